/**
 * Lambda `DemoDeleteTable` (music-library).
 *   DELETE /DemoResourceMusic/DemoResourceMusicTable   parameter `table` (body, query or header):
 *       the document's logical name (`Music`); deletes the environment's table (`dev-Music`).
 *       200 `{ message: "Table deleted", table: "Music" }`; 400 when `table` is missing or not a
 *       logical name; 404 when it does not exist; 409 while it is being created or updated.
 *
 * Environment:
 *   TABLE_PREFIX        the physical name of the logical table (`dev-Music`); every table has it as prefix
 *   LOGICAL_TABLE       the document's table name (default `Music`)
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { dynamoClient } from "../lib/clients.js";
import { ConflictError, isAwsError, MethodNotAllowedError, NotFoundError } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { Params, tableNames } from "../lib/params.js";

const dynamodb = dynamoClient();

/**
 * One job, so no router: the API sends only `DELETE /DemoResourceMusic/DemoResourceMusicTable`
 * here, and the document's console test event (`{"headers": {"table": "Music"}}`, no method
 * or resource) must work too; another method is a 405.
 */
export const handler = withHttp("DemoDeleteTable", async ({ event }) => {
  if (event.httpMethod !== undefined && event.httpMethod !== "DELETE") throw new MethodNotAllowedError(String(event.httpMethod), ["DELETE"]);
  const table = Params.from(event).table(tableNames());
  const details = { table: table.logical };
  try {
    await dynamodb.send(new DeleteTableCommand({ TableName: table.physical }));
  } catch (err) {
    if (isAwsError(err, "ResourceNotFoundException")) throw new NotFoundError(`Table ${table.logical} does not exist.`, { details, cause: err });
    if (isAwsError(err, "ResourceInUseException")) throw new ConflictError(`Table ${table.logical} is busy; try again shortly.`, { details, cause: err });
    throw err;
  }
  return json(200, { message: "Table deleted", table: table.logical }, event);
});
