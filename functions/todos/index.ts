/**
 * Lambda `todo-api-handler` (todos).
 *   GET    /todos?limit=&nextToken=   a page of todos: `{ items, count, nextToken? }`
 *   POST   /todos                     create: server id (UUID), timestamps, version 1
 *   GET    /todos/{id}                one todo; 404 when missing
 *   PUT    /todos/{id}                partial update of title/description/completed. Without a
 *                                     version the last writer wins (the document's API); with
 *                                     `If-Match: "<version>"` or a `version` field it is
 *                                     conditional: 409 with the current version when stale.
 *                                     404 when missing, by a condition expression (no read first).
 *   DELETE /todos/{id}                404 when missing (condition expression, no read first); with
 *                                     `If-Match: "<version>"` conditional as PUT is (409 when stale)
 * Every answer with a todo carries its version as `ETag: "<version>"`.
 *
 * Environment:
 *   TABLE_NAME          the TodoItems table (key `id`)
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   PAGINATION_SECRET   optional HMAC key for nextToken
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { randomUUID } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "../lib/clients.js";
import { parseJsonBody } from "../lib/body.js";
import { requireEnv } from "../lib/env.js";
import { BadRequestError, ConflictError, isAwsError, NotFoundError } from "../lib/errors.js";
import { withHttp, type RequestContext } from "../lib/handler.js";
import { header, json, type ProxyEvent } from "../lib/http.js";
import { decodeToken, encodeToken, parseLimit } from "../lib/pagination.js";
import { Router } from "../lib/router.js";
import { validate } from "../lib/validate.js";
import { TodoCreateSchema, TodoUpdateSchema, VERSION_MAX, type Todo } from "./schema.js";

const db = documentClient();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FIELDS = ["title", "description", "completed"] as const;

interface TodoUpdate {
  readonly title?: string;
  readonly description?: string;
  readonly completed?: boolean;
  readonly version?: number;
}

function todoId(event: ProxyEvent): string {
  const raw = event.pathParameters?.id;
  if (raw === undefined || raw === null || !UUID.test(raw)) throw new BadRequestError("id must be a todo id (a lowercase UUID).");
  return raw;
}

/** `"<version>"` as an entity tag, readable by the web page across origins. */
function etag(version: unknown): Record<string, string> {
  return typeof version === "number" ? { ETag: `"${version}"`, "Access-Control-Expose-Headers": "ETag" } : {};
}

/**
 * The version an `If-Match` header asks for: `"3"`, `W/"3"` or `3`; undefined when absent or
 * `*` ("any current version", RFC 9110: the todo must exist, which every write requires anyway).
 */
export function ifMatchVersion(event: ProxyEvent): number | undefined {
  const raw = header(event, "if-match");
  if (raw === undefined || raw.trim() === "" || raw.trim() === "*") return undefined;
  const m = /^(?:W\/)?"?([1-9]\d{0,9})"?$/.exec(raw.trim());
  if (!m || Number(m[1]) > VERSION_MAX) {
    throw new BadRequestError(`If-Match must be the ETag of the todo, e.g. "3" (got ${JSON.stringify(raw.slice(0, 40))}).`);
  }
  return Number(m[1]);
}

async function listTodos({ event }: RequestContext) {
  const query = event.queryStringParameters ?? {};
  const limit = parseLimit(query.limit, 50, 100);
  const start = decodeToken(query.nextToken ?? undefined, { id: "S" });
  const page = await db.send(new ScanCommand({ TableName: requireEnv("TABLE_NAME"), Limit: limit, ExclusiveStartKey: start }));
  const nextToken = encodeToken(page.LastEvaluatedKey);
  const items = page.Items ?? [];
  return json(200, { items, count: items.length, ...(nextToken ? { nextToken } : {}) }, event);
}

async function createTodo({ event }: RequestContext) {
  const input = validate<{ title: string; description?: string; completed?: boolean }>(TodoCreateSchema, parseJsonBody(event));
  const now = new Date().toISOString();
  const todo: Todo = {
    id: randomUUID(),
    title: input.title,
    description: input.description ?? "",
    completed: input.completed ?? false,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await db.send(new PutCommand({ TableName: requireEnv("TABLE_NAME"), Item: todo, ConditionExpression: "attribute_not_exists(id)" }));
  return json(201, todo, event, { Location: `/todos/${todo.id}`, ...etag(todo.version) });
}

async function getTodo({ event }: RequestContext) {
  const id = todoId(event);
  const { Item } = await db.send(new GetCommand({ TableName: requireEnv("TABLE_NAME"), Key: { id } }));
  if (Item === undefined) throw new NotFoundError(`Todo ${id} not found.`);
  return json(200, Item, event, etag(Item.version));
}

async function updateTodo({ event }: RequestContext) {
  const TableName = requireEnv("TABLE_NAME");
  const id = todoId(event);
  const input = validate<TodoUpdate>(TodoUpdateSchema, parseJsonBody(event));
  const fromHeader = ifMatchVersion(event);
  if (fromHeader !== undefined && input.version !== undefined && fromHeader !== input.version) {
    throw new BadRequestError(`If-Match asks for version ${fromHeader} but the body says ${input.version}; send one.`);
  }
  const expected = fromHeader ?? input.version;

  const sets = ["#version = if_not_exists(#version, :zero) + :one", "updatedAt = :now"];
  const names: Record<string, string> = { "#version": "version" };
  const values: Record<string, unknown> = { ":zero": 0, ":one": 1, ":now": new Date().toISOString() };
  for (const field of FIELDS) {
    if (input[field] !== undefined) {
      sets.push(`#${field} = :${field}`);
      names[`#${field}`] = field;
      values[`:${field}`] = input[field];
    }
  }
  if (expected !== undefined) values[":expected"] = expected;
  try {
    const { Attributes } = await db.send(
      new UpdateCommand({
        TableName,
        Key: { id },
        UpdateExpression: `SET ${sets.join(", ")}`,
        ConditionExpression: expected === undefined ? "attribute_exists(id)" : "attribute_exists(id) AND #version = :expected",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: "ALL_NEW",
      }),
    );
    return json(200, Attributes, event, etag(Attributes?.version));
  } catch (err) {
    throw await failedCondition(err, TableName, id, expected);
  }
}

/**
 * The answer to a write refused by its condition (`attribute_exists(id)`, and the version when
 * one was expected): 404 when the todo is missing, 409 with the current version when stale.
 * Any other error is returned as it is.
 */
async function failedCondition(err: unknown, TableName: string, id: string, expected: number | undefined): Promise<unknown> {
  if (!isAwsError(err, "ConditionalCheckFailedException")) return err;
  if (expected === undefined) return new NotFoundError(`Todo ${id} not found.`, { cause: err });
  // The write did not happen; a read tells the caller which condition failed.
  const { Item } = await db.send(new GetCommand({ TableName, Key: { id }, ConsistentRead: true }));
  if (Item === undefined) return new NotFoundError(`Todo ${id} not found.`, { cause: err });
  return new ConflictError(`Todo ${id} was changed by someone else: version ${expected} is stale.`, {
    details: { currentVersion: Item.version },
    headers: etag(Item.version),
    cause: err,
  });
}

async function deleteTodo({ event }: RequestContext) {
  const TableName = requireEnv("TABLE_NAME");
  const id = todoId(event);
  // Without If-Match the document's delete; with it, only the version the caller last saw.
  const expected = ifMatchVersion(event);
  try {
    await db.send(
      new DeleteCommand({
        TableName,
        Key: { id },
        ...(expected === undefined
          ? { ConditionExpression: "attribute_exists(id)" }
          : { ConditionExpression: "attribute_exists(id) AND #version = :expected", ExpressionAttributeNames: { "#version": "version" }, ExpressionAttributeValues: { ":expected": expected } }),
      }),
    );
  } catch (err) {
    throw await failedCondition(err, TableName, id, expected);
  }
  return json(200, { message: "Todo deleted successfully", deleted: id }, event);
}

export const router = new Router()
  .on("GET /todos", listTodos)
  .on("POST /todos", createTodo)
  .on("GET /todos/{id}", getTodo)
  .on("PUT /todos/{id}", updateTodo)
  .on("DELETE /todos/{id}", deleteTodo);

export const handler = withHttp("todo-api-handler", router.handle);
