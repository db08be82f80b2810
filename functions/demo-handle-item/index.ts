/**
 * Lambda `DemoHandleItem` (music-library), one function for /DemoResourceMusic/DemoResourceMusicItem.
 * Parameters `table`, `artist`, `songtitle`, `albumtitle` come from the JSON body, then the
 * query string, then headers.
 *   GET     get an item (table, artist, songtitle)                → 200 item, 404 missing
 *   PUT     add an item (table, artist, songtitle, albumtitle)    → 201 item
 *   POST    update its album title (same parameters)              → 200 item, 404 missing
 *   DELETE  delete an item (table, artist, songtitle)             → 200, 404 missing
 * 400 names a missing parameter; 404 for a missing table.
 *
 * Environment:
 *   TABLE_PREFIX        only tables whose name starts with this may be used
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "../lib/clients.js";
import { isAwsError, MethodNotAllowedError, NotFoundError } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { Params, tablePrefix } from "../lib/params.js";

const db = documentClient();

interface Song {
  Artist: string;
  SongTitle: string;
  AlbumTitle?: string;
}

async function run<T>(table: string, what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (isAwsError(err, "ResourceNotFoundException")) throw new NotFoundError(`Table ${table} does not exist.`);
    if (isAwsError(err, "ConditionalCheckFailedException")) throw new NotFoundError(`${what} not found in ${table}.`);
    throw err;
  }
}

export const handler = withHttp("DemoHandleItem", async ({ event }) => {
  const method = event.httpMethod;
  if (!["GET", "PUT", "POST", "DELETE"].includes(method)) throw new MethodNotAllowedError(String(method), ["GET", "PUT", "POST", "DELETE"]);
  const params = Params.from(event);
  const TableName = params.table(tablePrefix());
  const Artist = params.required("artist");
  const SongTitle = params.required("songtitle");
  const Key = { Artist, SongTitle };
  const what = `Item (${Artist}, ${SongTitle})`;

  if (method === "GET") {
    const { Item } = await run(TableName, what, () => db.send(new GetCommand({ TableName, Key })));
    if (Item === undefined) throw new NotFoundError(`${what} not found in ${TableName}.`);
    return json(200, Item, event);
  }
  if (method === "DELETE") {
    await run(TableName, what, () => db.send(new DeleteCommand({ TableName, Key, ConditionExpression: "attribute_exists(Artist)" })));
    return json(200, { message: "Item deleted", ...Key }, event);
  }
  const AlbumTitle = params.required("albumtitle");
  if (method === "PUT") {
    const item: Song = { Artist, SongTitle, AlbumTitle };
    await run(TableName, what, () => db.send(new PutCommand({ TableName, Item: item })));
    return json(201, { message: "Item added", item }, event);
  }
  const { Attributes } = await run(TableName, what, () =>
    db.send(
      new UpdateCommand({
        TableName,
        Key,
        UpdateExpression: "SET #AT = :t",
        ConditionExpression: "attribute_exists(Artist)",
        ExpressionAttributeNames: { "#AT": "AlbumTitle" },
        ExpressionAttributeValues: { ":t": AlbumTitle },
        ReturnValues: "ALL_NEW",
      }),
    ),
  );
  return json(200, { message: "Item updated", item: Attributes }, event);
});
