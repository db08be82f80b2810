/**
 * End-to-end over HTTP on 127.0.0.1: request validation, MOCK mapping templates and the Lambda non-proxy integration of the local gateway.
 * The gateway serves the fixture stacks of ../fixtures/stacks.ts (see ../fixtures/gateway.ts).
 */
import { expect } from "chai";
import { get, useFixtureGateway } from "../fixtures/gateway";

describe("local gateway (end to end over HTTP)", function () {
  const local = useFixtureGateway();

  describe("request validation", function () {
    const post = (body: string) => fetch(`${local.dev.url}/items`, { method: "POST", headers: { "x-api-key": local.dev.apiKeys.LabKey!, "content-type": "application/json" }, body });

    it("rejects a body that does not match the model with 400 Invalid request body", async function () {
      for (const body of ['{"ID": "abc"}', '{"name": "no id"}', "not json"]) {
        const res = await post(body);
        expect(res.status, body).to.equal(400);
        expect(await res.json()).to.deep.equal({ message: "Invalid request body" });
        expect(res.headers.get("x-amzn-errortype")).to.equal("BadRequestException");
      }
    });

    it("passes a valid body to the integration", async function () {
      const res = await post('{"ID": 5, "name": "Quote\\"d", "price": 1}');
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ created: true, stage: "dev" });
    });

    it("names missing required parameters", async function () {
      const res = await get(local.prod, "/search");
      expect(res.status).to.equal(400);
      expect(await res.json()).to.deep.equal({ message: "Missing required request parameters: [q]" });
    });
  });

  describe("mapping templates (the items document's mocks)", function () {
    it("renders the #foreach list template", async function () {
      const res = await get(local.prod, "/items", { "x-api-key": local.prod.apiKeys.LabKey! });
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.equal("application/json");
      const text = await res.text();
      expect(text, "Java prints the Double 2 * 1.5 as 3.0").to.include('"price" : 3.0');
      expect(JSON.parse(text)).to.deep.equal([
        { ID: 1, name: "foo1", price: 1.5 },
        { ID: 2, name: "foo2", price: 3 },
        { ID: 3, name: "foo3", price: 4.5 },
      ]);
    });

    it("renders the $Integer.parseInt item template", async function () {
      const res = await get(local.dev, "/mock/7");
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ ID: 7, name: "foo7", price: 10.5 });
    });

    it("answers 500 Internal server error when the template cannot parse the ID, as the document says", async function () {
      const res = await get(local.prod, "/mock/abc");
      expect(res.status).to.equal(500);
      expect(await res.json()).to.deep.equal({ message: "Internal server error" });
    });

    it("gives templates $context and $stageVariables", async function () {
      const res = await get(local.prod, "/search?q=hello%20world");
      expect(await res.json()).to.deep.equal({ q: "hello world", stage: "prod", var: "prod" });
    });
  });

  describe("Lambda non-proxy integration", function () {
    it("maps the path parameter into the event and returns the item", async function () {
      const res = await get(local.dev, "/items/2", { "x-api-key": local.dev.apiKeys.LabKey! });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).to.include({ ID: 2, name: "Pencil", price: 1.5 });
    });

    it("selects the 404 integration response when the error message matches .*NotFoundError.*", async function () {
      const res = await get(local.dev, "/items/9", { "x-api-key": local.dev.apiKeys.LabKey! });
      expect(res.status).to.equal(404);
      expect(res.headers.get("x-not-found")).to.equal("yes");
      expect(await res.json()).to.deep.equal({ message: "Item 9 not found", error: "NotFoundError" });
    });
  });
});
