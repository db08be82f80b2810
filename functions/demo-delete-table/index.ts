/**
 * Lambda `DemoDeleteTable` (music-library).
 *   DELETE /DemoResourceMusic/DemoResourceMusicTable   parameter `table` (body, query or header):
 *       deletes the table. 200 deleted; 400 when `table` is missing, invalid or outside
 *       TABLE_PREFIX; 404 when it does not exist; 409 while it is being created or updated.
 *
 * Environment:
 *   TABLE_PREFIX        only tables whose name starts with this may be deleted
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { dynamoClient } from "../lib/clients.js";
import { ConflictError, isAwsError, MethodNotAllowedError, NotFoundError } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { Params, tablePrefix } from "../lib/params.js";

const dynamodb = dynamoClient();

export const handler = withHttp("DemoDeleteTable", async ({ event }) => {
  if (event.httpMethod !== "DELETE") throw new MethodNotAllowedError(String(event.httpMethod), ["DELETE"]);
  const table = Params.from(event).table(tablePrefix());
  try {
    await dynamodb.send(new DeleteTableCommand({ TableName: table }));
  } catch (err) {
    if (isAwsError(err, "ResourceNotFoundException")) throw new NotFoundError(`Table ${table} does not exist.`);
    if (isAwsError(err, "ResourceInUseException")) throw new ConflictError(`Table ${table} is busy; try again shortly.`);
    throw err;
  }
  return json(200, { message: "Table deleted", table }, event);
});
