/**
 * Lambda `ItemsFunction` (items-catalog), behind a NON-proxy Lambda integration.
 *
 * The event is what the route's request mapping template produces (never the client's body):
 *   GET /items        `{}`                                   → the list
 *   GET /items/{ID}   `{ "ID": $input.params("ID") }`        → `{ "ID": 3 }`
 * It returns plain data (the list, or one item). For a missing item it throws NotFoundError,
 * which leaves as an error whose message starts with `NotFoundError:` (selection pattern →
 * 404); for an invalid ID, `BadRequestError:` (→ 400); anything else `InternalError:` (→ the
 * catch-all 500). See functions/lib/non-proxy.ts.
 *
 * Environment:
 *   TABLE_NAME   the items table (numeric partition key `ID`)
 *   LOG_LEVEL    debug | info | warn | error | silent (default info)
 */
import { GetCommand, paginateScan } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "../lib/clients.js";
import { requireEnv } from "../lib/env.js";
import { BadRequestError, NotFoundError } from "../lib/errors.js";
import { withNonProxy } from "../lib/non-proxy.js";
import type { Item } from "./schema.js";

const db = documentClient();

/** The item id from the event, undefined for the list; throws BadRequestError when invalid. */
export function itemId(event: unknown): number | undefined {
  if (event === null || event === undefined || event === "") return undefined;
  if (typeof event !== "object" || Array.isArray(event)) throw new BadRequestError("the request must be a JSON object");
  const raw = (event as Record<string, unknown>).ID;
  if (raw === undefined || raw === null || raw === "") return undefined;
  const id = typeof raw === "string" && /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) {
    throw new BadRequestError(`ID must be a positive integer (got ${JSON.stringify(raw).slice(0, 40)})`);
  }
  return id;
}

function toItem(raw: Record<string, unknown>): Item {
  return { ID: Number(raw.ID), name: String(raw.name ?? ""), price: Number(raw.price ?? 0) };
}

export const handler = withNonProxy("ItemsFunction", async (event: unknown, log): Promise<Item | Item[]> => {
  const id = itemId(event);
  const TableName = requireEnv("TABLE_NAME");
  if (id === undefined) {
    const items: Item[] = [];
    for await (const page of paginateScan({ client: db }, { TableName })) {
      for (const raw of page.Items ?? []) items.push(toItem(raw));
    }
    items.sort((a, b) => a.ID - b.ID);
    log.info("list", { count: items.length });
    return items;
  }
  const { Item: found } = await db.send(new GetCommand({ TableName, Key: { ID: id } }));
  if (found === undefined) {
    log.info("not found", { id });
    throw new NotFoundError(`item ${id} does not exist`);
  }
  return toItem(found);
});
