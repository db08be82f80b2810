/**
 * Lambda `getStudentData` (student-records).
 *   GET /students?limit=&nextToken=   a page of students
 *   GET /students/{studentid}         one student
 *
 * Environment:
 *   TABLE_NAME          the studentData table (key `studentid`)
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   PAGINATION_SECRET   optional HMAC key for nextToken
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "../lib/clients.js";
import { requireEnv } from "../lib/env.js";
import { BadRequestError, MethodNotAllowedError, NotFoundError } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { decodeToken, encodeToken, parseLimit } from "../lib/pagination.js";
import { STUDENT_ID_PATTERN } from "../insert-student-data/schema.js";

const db = documentClient();
const ID = new RegExp(STUDENT_ID_PATTERN);

export const handler = withHttp("getStudentData", async ({ event }) => {
  if (event.httpMethod !== "GET") throw new MethodNotAllowedError(String(event.httpMethod), ["GET"]);
  const TableName = requireEnv("TABLE_NAME");
  const id = event.pathParameters?.studentid;
  if (id !== undefined && id !== null) {
    if (!ID.test(id)) throw new BadRequestError(`studentid must match ${STUDENT_ID_PATTERN}.`);
    const { Item } = await db.send(new GetCommand({ TableName, Key: { studentid: id } }));
    if (Item === undefined) throw new NotFoundError(`Student ${id} not found.`);
    return json(200, Item, event);
  }
  const query = event.queryStringParameters ?? {};
  const limit = parseLimit(query.limit, 50, 100);
  const start = decodeToken(query.nextToken ?? undefined, { studentid: "S" });
  const page = await db.send(new ScanCommand({ TableName, Limit: limit, ExclusiveStartKey: start }));
  const nextToken = encodeToken(page.LastEvaluatedKey);
  return json(200, { items: page.Items ?? [], count: page.Count ?? 0, ...(nextToken ? { nextToken } : {}) }, event);
});
