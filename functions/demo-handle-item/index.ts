/**
 * Lambda `DemoHandleItem` (music-library), one function for /DemoResourceMusic/DemoResourceMusicItem.
 * Parameters `table` (the document's logical name, `Music`), `artist`, `songtitle`,
 * `albumtitle` come from the JSON body, then the query string, then headers.
 *   GET     get an item (table, artist, songtitle)                → 200 item, 404 missing
 *   PUT     add an item (table, artist, songtitle, albumtitle)    → 200 "Item added"
 *   POST    update its album title (same parameters)              → 200 "Item updated", 404 missing
 *   DELETE  delete an item (table, artist, songtitle)             → 200 "Item deleted", 404 missing
 * 400 names a missing parameter or states the table pattern; 404 for a missing table.
 * Answers name the logical table.
 *
 * Environment:
 *   TABLE_PREFIX        the physical name of the logical table (`dev-Music`); every table has it as prefix
 *   LOGICAL_TABLE       the document's table name (default `Music`)
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "../lib/clients.js";
import { isAwsError, NotFoundError } from "../lib/errors.js";
import { withHttp, type RequestContext } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { Params, tableNames, type MappedTable } from "../lib/params.js";
import { Router } from "../lib/router.js";

const db = documentClient();
const RESOURCE = "/DemoResourceMusic/DemoResourceMusicItem";

interface Song {
  Artist: string;
  SongTitle: string;
  AlbumTitle?: string;
}

interface ItemRequest {
  readonly params: Params;
  readonly table: MappedTable;
  readonly Key: { Artist: string; SongTitle: string };
  readonly what: string;
}

function itemRequest(req: RequestContext): ItemRequest {
  const params = Params.from(req.event);
  const table = params.table(tableNames());
  const Key = { Artist: params.required("artist"), SongTitle: params.required("songtitle") };
  return { params, table, Key, what: `Item (${Key.Artist}, ${Key.SongTitle})` };
}

async function run<T>(r: ItemRequest, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const details = { table: r.table.logical };
    if (isAwsError(err, "ResourceNotFoundException")) throw new NotFoundError(`Table ${r.table.logical} does not exist.`, { details, cause: err });
    if (isAwsError(err, "ConditionalCheckFailedException")) throw new NotFoundError(`${r.what} not found in ${r.table.logical}.`, { details, cause: err });
    throw err;
  }
}

async function getItem(req: RequestContext) {
  const r = itemRequest(req);
  const { Item } = await run(r, () => db.send(new GetCommand({ TableName: r.table.physical, Key: r.Key })));
  if (Item === undefined) throw new NotFoundError(`${r.what} not found in ${r.table.logical}.`, { details: { table: r.table.logical } });
  return json(200, Item, req.event);
}

async function addItem(req: RequestContext) {
  const r = itemRequest(req);
  const item: Song = { ...r.Key, AlbumTitle: r.params.required("albumtitle") };
  await run(r, () => db.send(new PutCommand({ TableName: r.table.physical, Item: item })));
  return json(200, { message: "Item added", table: r.table.logical, item }, req.event);
}

async function updateItem(req: RequestContext) {
  const r = itemRequest(req);
  const AlbumTitle = r.params.required("albumtitle");
  const { Attributes } = await run(r, () =>
    db.send(
      new UpdateCommand({
        TableName: r.table.physical,
        Key: r.Key,
        UpdateExpression: "SET #AT = :t",
        ConditionExpression: "attribute_exists(Artist)",
        ExpressionAttributeNames: { "#AT": "AlbumTitle" },
        ExpressionAttributeValues: { ":t": AlbumTitle },
        ReturnValues: "ALL_NEW",
      }),
    ),
  );
  return json(200, { message: "Item updated", table: r.table.logical, item: Attributes }, req.event);
}

async function deleteItem(req: RequestContext) {
  const r = itemRequest(req);
  await run(r, () => db.send(new DeleteCommand({ TableName: r.table.physical, Key: r.Key, ConditionExpression: "attribute_exists(Artist)" })));
  return json(200, { message: "Item deleted", table: r.table.logical, ...r.Key }, req.event);
}

export const router = new Router()
  .on(`GET ${RESOURCE}`, getItem)
  .on(`PUT ${RESOURCE}`, addItem)
  .on(`POST ${RESOURCE}`, updateItem)
  .on(`DELETE ${RESOURCE}`, deleteItem);

export const handler = withHttp("DemoHandleItem", router.handle);
