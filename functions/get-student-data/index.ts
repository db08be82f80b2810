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
import { BadRequestError, NotFoundError } from "../lib/errors.js";
import { withHttp, type RequestContext } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { decodeToken, encodeToken, parseLimit } from "../lib/pagination.js";
import { Router } from "../lib/router.js";
import { STUDENT_ID_PATTERN } from "../insert-student-data/schema.js";

const db = documentClient();
const ID = new RegExp(STUDENT_ID_PATTERN);

async function getStudent({ event }: RequestContext) {
  const id = event.pathParameters?.studentid ?? "";
  if (!ID.test(id)) throw new BadRequestError(`studentid must match ${STUDENT_ID_PATTERN}.`);
  const { Item } = await db.send(new GetCommand({ TableName: requireEnv("TABLE_NAME"), Key: { studentid: id } }));
  if (Item === undefined) throw new NotFoundError(`Student ${id} not found.`);
  return json(200, Item, event);
}

async function listStudents({ event }: RequestContext) {
  const query = event.queryStringParameters ?? {};
  const limit = parseLimit(query.limit, 50, 100);
  const start = decodeToken(query.nextToken ?? undefined, { studentid: "S" });
  const page = await db.send(new ScanCommand({ TableName: requireEnv("TABLE_NAME"), Limit: limit, ExclusiveStartKey: start }));
  const nextToken = encodeToken(page.LastEvaluatedKey);
  return json(200, { items: page.Items ?? [], count: page.Count ?? 0, ...(nextToken ? { nextToken } : {}) }, event);
}

/** The routes, as the stack declares them; any other method or resource is the router's 405 or 404. */
export const router = new Router().on("GET /students", listStudents).on("GET /students/{studentid}", getStudent);

export const handler = withHttp("getStudentData", router.handle);
