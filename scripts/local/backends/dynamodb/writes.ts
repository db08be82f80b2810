/** Which DynamoDB requests count as writes, and dynalite's options. */
import type http from "node:http";

export interface DynaliteOptions {
  /** LevelDB folder; in memory when absent. */
  readonly path?: string;
}

const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems", "CreateTable", "DeleteTable", "UpdateTable"]);

export function isWrite(req: http.IncomingMessage): boolean {
  const target = String(req.headers["x-amz-target"] ?? "");
  return WRITES.has(target.slice(target.indexOf(".") + 1));
}
