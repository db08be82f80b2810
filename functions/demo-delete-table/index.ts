/**
 * Lambda `DemoDeleteTable` (music-library).
 *   DELETE /DemoResourceMusic/DemoResourceMusicTable   parameter `table` (body, query or header):
 *       the document's logical name (`Music`); deletes the environment's table (`dev-Music`) and
 *       waits until it is gone, so the document's next request (create it again) does not meet a
 *       table still DELETING (DynamoDB answers a second DeleteTable on a DELETING table with
 *       success, and CreateTable with ResourceInUseException).
 *       200 `{ message: "Table deleted", table: "Music" }`; 202 `{ message: "Table is being
 *       deleted", table }` when it is still DELETING after the wait; 400 when `table` is missing
 *       or not a logical name; 404 when it does not exist; 409 while it is being created or updated.
 *
 * Environment:
 *   TABLE_PREFIX        the physical name of the logical table (`dev-Music`); every table has it as prefix
 *   LOGICAL_TABLE       the document's table name (default `Music`)
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { DeleteTableCommand, waitUntilTableNotExists } from "@aws-sdk/client-dynamodb";
import { dynamoClient } from "../lib/clients.js";
import { ConflictError, isAwsError, MethodNotAllowedError, NotFoundError } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { Params, tableNames } from "../lib/params.js";

const dynamodb = dynamoClient();
/** Seconds to wait for the table to be gone (well inside API Gateway's 29 s). */
const GONE_WAIT_SECONDS = 20;

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
  try {
    await waitUntilTableNotExists({ client: dynamodb, maxWaitTime: GONE_WAIT_SECONDS, minDelay: 1, maxDelay: 2 }, { TableName: table.physical });
  } catch (err) {
    // The SDK's waiter throws an Error named TimeoutError when the table outlives the wait.
    if (err instanceof Error && err.name === "TimeoutError") return json(202, { message: "Table is being deleted", table: table.logical }, event);
    throw err;
  }
  return json(200, { message: "Table deleted", table: table.logical }, event);
});
