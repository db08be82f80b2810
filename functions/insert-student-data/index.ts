/**
 * Lambda `insertStudentData` (student-records).
 *   POST   /students                 create; 409 when the id exists (conditional put)
 *   PUT    /students/{studentid}     replace with optimistic concurrency on `version`:
 *                                    409 when stale, 404 when missing
 *   DELETE /students/{studentid}     404 when missing (condition expression); optional
 *                                    `?version=` makes the delete conditional on it too
 *
 * Environment:
 *   TABLE_NAME          the studentData table (key `studentid`)
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "../lib/clients.js";
import { parseJsonBody } from "../lib/body.js";
import { requireEnv } from "../lib/env.js";
import { BadRequestError, ConflictError, isAwsError, NotFoundError } from "../lib/errors.js";
import { withHttp, type RequestContext } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { Router } from "../lib/router.js";
import { validate } from "../lib/validate.js";
import { STUDENT_ID_PATTERN, StudentCreateSchema, StudentUpdateSchema, type Student, type StudentInput } from "./schema.js";

const db = documentClient();
const ID = new RegExp(STUDENT_ID_PATTERN);

function pathId(id: string | undefined | null): string {
  if (id === undefined || id === null || !ID.test(id)) throw new BadRequestError(`studentid must match ${STUDENT_ID_PATTERN}.`);
  return id;
}

async function createStudent({ event }: RequestContext) {
  const TableName = requireEnv("TABLE_NAME");
  const input = validate<StudentInput>(StudentCreateSchema, parseJsonBody(event));
  const now = new Date().toISOString();
  const item: Student = { ...input, version: 1, createdAt: now, updatedAt: now };
  try {
    await db.send(new PutCommand({ TableName, Item: item, ConditionExpression: "attribute_not_exists(studentid)" }));
  } catch (err) {
    if (isAwsError(err, "ConditionalCheckFailedException")) throw new ConflictError(`Student ${input.studentid} already exists.`);
    throw err;
  }
  return json(201, item, event, { Location: `/students/${encodeURIComponent(input.studentid)}` });
}

async function updateStudent({ event }: RequestContext) {
  const TableName = requireEnv("TABLE_NAME");
  const studentid = pathId(event.pathParameters?.studentid);
  const input = validate<Omit<StudentInput, "studentid"> & { version: number }>(StudentUpdateSchema, parseJsonBody(event));
  try {
    const { Attributes } = await db.send(
      new UpdateCommand({
        TableName,
        Key: { studentid },
        UpdateExpression: "SET #name = :name, #class = :class, birthdate = :birthdate, email = :email, version = :next, updatedAt = :now",
        ConditionExpression: "attribute_exists(studentid) AND version = :version",
        ExpressionAttributeNames: { "#name": "name", "#class": "class" },
        ExpressionAttributeValues: {
          ":name": input.name,
          ":class": input.class,
          ":birthdate": input.birthdate,
          ":email": input.email,
          ":version": input.version,
          ":next": input.version + 1,
          ":now": new Date().toISOString(),
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return json(200, Attributes, event);
  } catch (err) {
    if (!isAwsError(err, "ConditionalCheckFailedException")) throw err;
    // The write did not happen; a read tells the caller which condition failed.
    const { Item } = await db.send(new GetCommand({ TableName, Key: { studentid }, ConsistentRead: true }));
    if (Item === undefined) throw new NotFoundError(`Student ${studentid} not found.`);
    throw new ConflictError(`Student ${studentid} was changed by someone else: version ${input.version} is stale.`, {
      details: { currentVersion: Item.version },
    });
  }
}

async function deleteStudent({ event }: RequestContext) {
  const TableName = requireEnv("TABLE_NAME");
  const studentid = pathId(event.pathParameters?.studentid);
  const rawVersion = event.queryStringParameters?.version;
  let version: number | undefined;
  if (rawVersion !== undefined && rawVersion !== null) {
    if (!/^[1-9]\d{0,9}$/.test(rawVersion)) throw new BadRequestError("version must be a positive integer.");
    version = Number(rawVersion);
  }
  try {
    await db.send(
      new DeleteCommand({
        TableName,
        Key: { studentid },
        ConditionExpression: version === undefined ? "attribute_exists(studentid)" : "attribute_exists(studentid) AND version = :version",
        ...(version === undefined ? {} : { ExpressionAttributeValues: { ":version": version } }),
      }),
    );
  } catch (err) {
    if (!isAwsError(err, "ConditionalCheckFailedException")) throw err;
    if (version === undefined) throw new NotFoundError(`Student ${studentid} not found.`);
    const { Item } = await db.send(new GetCommand({ TableName, Key: { studentid }, ConsistentRead: true }));
    if (Item === undefined) throw new NotFoundError(`Student ${studentid} not found.`);
    throw new ConflictError(`Student ${studentid} was changed by someone else: version ${version} is stale.`, {
      details: { currentVersion: Item.version },
    });
  }
  return json(200, { deleted: studentid }, event);
}

/** The routes, as the stack declares them; any other method or resource is the router's 405 or 404. */
export const router = new Router()
  .on("POST /students", createStudent)
  .on("PUT /students/{studentid}", updateStudent)
  .on("DELETE /students/{studentid}", deleteStudent);

export const handler = withHttp("insertStudentData", router.handle);
