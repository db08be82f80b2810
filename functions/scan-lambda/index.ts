/**
 * Lambda `scan_lambda` (image-gallery).
 *   GET /view-all?limit=&nextToken=   the caller's pictures (Cognito `claims.sub`), a page
 *       at a time, each with a short-lived presigned GET URL. The metadata table is
 *       queried by owner, never scanned across users; a token of another user is a 400.
 *
 * Environment:
 *   BUCKET_NAME         the images bucket
 *   TABLE_NAME          the metadata table (partition key `owner`, sort key `filename`)
 *   URL_TTL_SECONDS     lifetime of the presigned URLs (default 300)
 *   PAGINATION_SECRET   optional HMAC key for nextToken
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { documentClient, s3Client } from "../lib/clients.js";
import { intEnv, requireEnv } from "../lib/env.js";
import { BadRequestError, MethodNotAllowedError } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { decodeToken, encodeToken, parseLimit } from "../lib/pagination.js";
import { callerSub } from "../save-picture/images.js";

const db = documentClient();
const s3 = s3Client();

export const handler = withHttp("scan_lambda", async ({ event }) => {
  if (event.httpMethod !== "GET") throw new MethodNotAllowedError(String(event.httpMethod), ["GET"]);
  const owner = callerSub(event);
  const query = event.queryStringParameters ?? {};
  const limit = parseLimit(query.limit, 20, 100);
  const start = decodeToken(query.nextToken ?? undefined, { owner: "S", filename: "S" });
  if (start !== undefined && start.owner !== owner) throw new BadRequestError("nextToken belongs to another listing.");
  const TableName = requireEnv("TABLE_NAME");
  const Bucket = requireEnv("BUCKET_NAME");
  const expiresIn = intEnv("URL_TTL_SECONDS", 300);
  const page = await db.send(
    new QueryCommand({
      TableName,
      KeyConditionExpression: "#o = :o",
      ExpressionAttributeNames: { "#o": "owner" },
      ExpressionAttributeValues: { ":o": owner },
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  const items = await Promise.all(
    (page.Items ?? []).map(async (item) => ({
      ...item,
      url: await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: String(item.key) }), { expiresIn }),
      urlExpiresIn: expiresIn,
    })),
  );
  const nextToken = encodeToken(page.LastEvaluatedKey);
  return json(200, { items, count: items.length, ...(nextToken ? { nextToken } : {}) }, event);
});
