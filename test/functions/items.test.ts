import { expect } from "chai";
import { BatchWriteItemCommand } from "@aws-sdk/client-dynamodb";
import { backends, createServiceTable, isolateEnv } from "../support/backends.js";
import { ItemSchema, ItemsSchema, SEED_ITEMS, itemsModelSchema } from "../../functions/items/schema.js";
import { schemaErrors } from "../../functions/lib/validate.js";

type ItemsHandler = (event: unknown) => Promise<unknown>;

describe("ItemsFunction (non-proxy integration)", function () {
  isolateEnv();

  let handler: ItemsHandler;

  before(async function () {
    const { ddb } = await backends();
    handler = (await import("../../functions/items/index.js")).handler as ItemsHandler;
    const table = await createServiceTable("items-catalog", "Items");
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: SEED_ITEMS.map((item) => ({ PutRequest: { Item: { ID: { N: String(item.ID) }, name: { S: item.name }, price: { N: String(item.price) } } } })) } }));
    process.env.TABLE_NAME = table;
  });

  it("returns the whole list, as plain data, for the empty event of GET /items", async function () {
    for (const event of [{}, null, { ID: "" }]) {
      const items = await handler(event);
      expect(items).to.deep.equal(SEED_ITEMS);
      expect(schemaErrors(ItemsSchema, items)).to.deep.equal([]);
    }
  });

  it("returns one item for the mapping template's { ID } event", async function () {
    const item = await handler({ ID: 3 });
    expect(item).to.deep.equal({ ID: 3, name: "Highlighter", price: 3 });
    expect(schemaErrors(ItemSchema, item)).to.deep.equal([]);
    expect(await handler({ ID: "2" })).to.deep.equal({ ID: 2, name: "Pencil", price: 1.5 });
  });

  it("throws an error whose message matches the NotFoundError selection pattern for a missing id", async function () {
    let error: Error | undefined;
    try {
      await handler({ ID: 5 });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(/.*NotFoundError.*/);
    expect(error?.name).to.equal("NotFoundError");
  });

  it("throws BadRequestError for ids that are not positive integers", async function () {
    for (const event of [{ ID: -1 }, { ID: 1.5 }, { ID: "abc" }, { ID: true }, { ID: [1] }, [1], "x", { ID: 0 }]) {
      let error: Error | undefined;
      try {
        await handler(event);
      } catch (err) {
        error = err as Error;
      }
      expect(error?.message, JSON.stringify(event)).to.match(/^BadRequestError: /);
    }
  });

  it("throws InternalError without detail when the table is gone (the route's catch-all makes it a 500)", async function () {
    const table = process.env.TABLE_NAME;
    process.env.TABLE_NAME = "no-such-items-table";
    const level = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = "silent";
    try {
      const error = await handler({ ID: 1 }).then(() => undefined, (err: Error) => err);
      expect(error?.message).to.equal("InternalError: the request failed; see the function log");
      expect(error?.stack ?? "").not.to.contain("no-such-items-table");
    } finally {
      process.env.TABLE_NAME = table;
      if (level === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = level;
    }
  });

  it("exports the document's models: Item draft-04, Items referencing the Item model", function () {
    expect(ItemSchema.$schema).to.equal("http://json-schema.org/draft-04/schema#");
    expect(itemsModelSchema("https://apigateway.amazonaws.com/restapis/abc123/models/Item")).to.deep.equal({
      id: "Items",
      title: "Items",
      type: "array",
      items: { $ref: "https://apigateway.amazonaws.com/restapis/abc123/models/Item" },
    });
    expect(schemaErrors(ItemsSchema, [{ ID: "1" }])).to.have.length(1);
  });
});
