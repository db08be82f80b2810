/**
 * Lambda `DemoCreateTable` (music-library).
 *   PUT /DemoResourceMusic/DemoResourceMusicTable   parameter `table` (body, query or header):
 *       creates a Music-shaped table (partition key Artist, sort key SongTitle, on demand).
 *       201 created; 400 when `table` is missing, invalid or outside TABLE_PREFIX; 409 if it exists.
 *
 * Environment:
 *   TABLE_PREFIX        only tables whose name starts with this may be created
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { dynamoClient } from "../lib/clients.js";
import { ConflictError, isAwsError, MethodNotAllowedError } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { Params, tablePrefix } from "../lib/params.js";

const dynamodb = dynamoClient();

export const handler = withHttp("DemoCreateTable", async ({ event }) => {
  if (event.httpMethod !== "PUT") throw new MethodNotAllowedError(String(event.httpMethod), ["PUT"]);
  const table = Params.from(event).table(tablePrefix());
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table,
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
    if (isAwsError(err, "ResourceInUseException")) throw new ConflictError(`Table ${table} already exists.`);
    throw err;
  }
  return json(201, { message: "Table created", table }, event);
});
