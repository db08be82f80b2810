/**
 * Lambda `ItemsFunction` (items-catalog), behind a NON-proxy Lambda integration.
 *
 * The event is what the document's request mapping template produces:
 *   GET /items        no template, empty body passed through → `{}` (or null)
 *   GET /items/{ID}   `{ "ID": $input.params("ID") }`        → `{ "ID": 3 }`
 * It returns plain data (the list, or one item). For a missing item it throws an error
 * whose message starts with `NotFoundError` (integration response selection pattern
 * `.*NotFoundError.*` → 404); for an invalid ID, `BadRequestError` (→ 400).
 *
 * Environment:
 *   TABLE_NAME   the items table (numeric partition key `ID`)
 *   LOG_LEVEL    debug | info | warn | error | silent (default info)
 */
import { GetCommand, paginateScan } from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { documentClient } from "../lib/clients.js";
import { requireEnv } from "../lib/env.js";
import { createLogger } from "../lib/log.js";
import type { Item } from "./schema.js";

const db = documentClient();
const log = createLogger({ function: "ItemsFunction" });

export class NotFoundError extends Error {
  constructor(id: number) {
    super(`NotFoundError: item ${id} does not exist`);
    this.name = "NotFoundError";
  }
}

export class BadRequestError extends Error {
  constructor(detail: string) {
    super(`BadRequestError: ${detail}`);
    this.name = "BadRequestError";
  }
}

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

export async function handler(event: unknown, context?: Partial<Context>): Promise<Item | Item[]> {
  const requestLog = log.child({ requestId: context?.awsRequestId ?? "unknown" });
  const id = itemId(event);
  const TableName = requireEnv("TABLE_NAME");
  if (id === undefined) {
    const items: Item[] = [];
    for await (const page of paginateScan({ client: db }, { TableName })) {
      for (const raw of page.Items ?? []) items.push(toItem(raw));
    }
    items.sort((a, b) => a.ID - b.ID);
    requestLog.info("list", { count: items.length });
    return items;
  }
  const { Item: found } = await db.send(new GetCommand({ TableName, Key: { ID: id } }));
  if (found === undefined) {
    requestLog.info("not found", { id });
    throw new NotFoundError(id);
  }
  return toItem(found);
}
