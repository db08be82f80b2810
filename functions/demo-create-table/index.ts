/**
 * Lambda `DemoCreateTable` (music-library).
 *   PUT /DemoResourceMusic/DemoResourceMusicTable   parameter `table` (body, query or header):
 *       the document's logical name (`Music`), created as the environment's table (`dev-Music`)
 *       with partition key Artist and sort key SongTitle, on demand, and waited for until it is
 *       ACTIVE, so the document's next request (put an item) finds it.
 *       200 `{ message: "Table created", table: "Music" }` as in the document; 400 when `table`
 *       is missing or not a logical name (the answer states the pattern); 409 if it exists.
 *
 * Environment:
 *   TABLE_PREFIX        the physical name of the logical table (`dev-Music`); every table has it as prefix
 *   LOGICAL_TABLE       the document's table name (default `Music`)
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { CreateTableCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { dynamoClient } from "../lib/clients.js";
import { ConflictError, isAwsError, MethodNotAllowedError } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { Params, tableNames } from "../lib/params.js";

const dynamodb = dynamoClient();
/** Seconds to wait for the new table to become ACTIVE (well inside API Gateway's 29 s). */
const ACTIVE_WAIT_SECONDS = 20;

/**
 * One job, so no router: the API sends only `PUT /DemoResourceMusic/DemoResourceMusicTable`
 * here, and the document's console test event (`{"headers": {"table": "Music"}}`, no method
 * or resource) must work too; another method is a 405.
 */
export const handler = withHttp("DemoCreateTable", async ({ event }) => {
  if (event.httpMethod !== undefined && event.httpMethod !== "PUT") throw new MethodNotAllowedError(String(event.httpMethod), ["PUT"]);
  const table = Params.from(event).table(tableNames());
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table.physical,
        AttributeDefinitions: [
          { AttributeName: "Artist", AttributeType: "S" },
          { AttributeName: "SongTitle", AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "Artist", KeyType: "HASH" },
          { AttributeName: "SongTitle", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  } catch (err) {
    if (isAwsError(err, "ResourceInUseException")) throw new ConflictError(`Table ${table.logical} already exists.`, { details: { table: table.logical }, cause: err });
    throw err;
  }
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: ACTIVE_WAIT_SECONDS, minDelay: 1, maxDelay: 2 }, { TableName: table.physical });
  return json(200, { message: "Table created", table: table.logical }, event);
});
