/**
 * Lambda `todo-api-handler` (todos).
 *   GET    /todos?limit=&nextToken=   a page of todos
 *   POST   /todos                     create: server id (UUID) and timestamps
 *   GET    /todos/{id}                one todo; 404 when missing
 *   PUT    /todos/{id}                partial update of title/description/completed with
 *                                     optimistic concurrency (`version`): 409 stale, 404 missing
 *   DELETE /todos/{id}                404 when missing (condition expression, no read first)
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
import { BadRequest, Conflict, isAwsError, MethodNotAllowed, NotFound } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { decodeToken, encodeToken, parseLimit } from "../lib/pagination.js";
import { validate } from "../lib/validate.js";
import { TodoCreateSchema, TodoUpdateSchema, type Todo } from "./schema.js";

const db = documentClient();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function todoId(raw: string | null | undefined): string {
  if (raw === undefined || raw === null || !UUID.test(raw)) throw new BadRequest("id must be a todo id (a lowercase UUID).");
  return raw;
}

export const handler = withHttp("todo-api-handler", async ({ event }) => {
  const TableName = requireEnv("TABLE_NAME");
  const method = event.httpMethod;
  const rawId = event.pathParameters?.id;

  if (rawId === undefined || rawId === null) {
    if (method === "GET") {
      const query = event.queryStringParameters ?? {};
      const limit = parseLimit(query.limit, 50, 100);
      const start = decodeToken(query.nextToken ?? undefined, { id: "S" });
      const page = await db.send(new ScanCommand({ TableName, Limit: limit, ExclusiveStartKey: start }));
      const nextToken = encodeToken(page.LastEvaluatedKey);
      const items = page.Items ?? [];
      return json(200, { items, count: items.length, ...(nextToken ? { nextToken } : {}) }, event);
    }
    if (method === "POST") {
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
      await db.send(new PutCommand({ TableName, Item: todo, ConditionExpression: "attribute_not_exists(id)" }));
      return json(201, todo, event, { Location: `/todos/${todo.id}` });
    }
    throw new MethodNotAllowed(String(method), ["GET", "POST"]);
  }

  const id = todoId(rawId);
  if (method === "GET") {
    const { Item } = await db.send(new GetCommand({ TableName, Key: { id } }));
    if (Item === undefined) throw new NotFound(`Todo ${id} not found.`);
    return json(200, Item, event);
  }
  if (method === "PUT") {
    const input = validate<{ title?: string; description?: string; completed?: boolean; version: number }>(
      TodoUpdateSchema,
      parseJsonBody(event),
    );
    const sets = ["version = :next", "updatedAt = :now"];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ":version": input.version, ":next": input.version + 1, ":now": new Date().toISOString() };
    for (const field of ["title", "description", "completed"] as const) {
      if (input[field] !== undefined) {
        sets.push(`#${field} = :${field}`);
        names[`#${field}`] = field;
        values[`:${field}`] = input[field];
      }
    }
    try {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName,
          Key: { id },
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: "attribute_exists(id) AND version = :version",
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return json(200, Attributes, event);
    } catch (err) {
      if (!isAwsError(err, "ConditionalCheckFailedException")) throw err;
      const { Item } = await db.send(new GetCommand({ TableName, Key: { id }, ConsistentRead: true }));
      if (Item === undefined) throw new NotFound(`Todo ${id} not found.`);
      throw new Conflict(`Todo ${id} was changed by someone else: version ${input.version} is stale.`, { currentVersion: Item.version });
    }
  }
  if (method === "DELETE") {
    try {
      await db.send(new DeleteCommand({ TableName, Key: { id }, ConditionExpression: "attribute_exists(id)" }));
    } catch (err) {
      if (isAwsError(err, "ConditionalCheckFailedException")) throw new NotFound(`Todo ${id} not found.`);
      throw err;
    }
    return json(200, { deleted: id }, event);
  }
  throw new MethodNotAllowed(String(method), ["GET", "PUT", "DELETE"]);
});
