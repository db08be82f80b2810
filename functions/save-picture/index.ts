/**
 * Lambda `savePicture` (image-gallery).
 *   POST /upload/{filename}   binary body (API Gateway binary media types: base64 in the
 *       event). Checks: caller (Cognito `claims.sub`) present (401), filename safe with an
 *       image extension (400), Content-Type an accepted image type matching the extension
 *       (415/400), body non-empty and at most MAX_UPLOAD_BYTES (400/413), bytes whose
 *       signature matches the declared type (400). Then stores the metadata (conditional
 *       put: 409 when the caller already used the name) and the image under
 *       `<sub>/<filename>`; if the S3 write fails the metadata is removed again.
 *       201 with the metadata.
 *
 * Environment:
 *   BUCKET_NAME         the images bucket
 *   TABLE_NAME          the metadata table (partition key `owner`, sort key `filename`)
 *   MAX_UPLOAD_BYTES    largest accepted image (default 5242880)
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { createHash } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { rawBody } from "../lib/body.js";
import { documentClient, s3Client } from "../lib/clients.js";
import { intEnv, requireEnv } from "../lib/env.js";
import { BadRequestError, ConflictError, isAwsError, MethodNotAllowedError, UnsupportedMediaTypeError } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { header, json } from "../lib/http.js";
import { callerSub, CONTENT_TYPES, FILENAME, sniff, typeOfFilename, type ImageType } from "./images.js";

const db = documentClient();
const s3 = s3Client();

export interface PictureMetadata {
  readonly owner: string;
  readonly filename: string;
  readonly key: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly uploadedAt: string;
}

export const handler = withHttp("savePicture", async ({ event, log }) => {
  if (event.httpMethod !== "POST") throw new MethodNotAllowedError(String(event.httpMethod), ["POST"]);
  const owner = callerSub(event);
  const filename = event.pathParameters?.filename;
  if (typeof filename !== "string" || !FILENAME.test(filename) || filename.includes("..")) {
    throw new BadRequestError("filename must be 1-128 letters, digits, '.', '_' or '-', start with a letter or digit, and not contain '..'.");
  }
  const declared = typeOfFilename(filename);
  if (declared === undefined) throw new BadRequestError(`filename must end with one of .jpg, .jpeg, .png, .gif, .webp (got ${filename}).`);
  const contentType = (header(event, "content-type") ?? "").split(";", 1)[0]!.trim().toLowerCase();
  const typeFromHeader = (Object.entries(CONTENT_TYPES) as [ImageType, string][]).find(([, ct]) => ct === contentType)?.[0];
  if (typeFromHeader === undefined) {
    throw new UnsupportedMediaTypeError(`Content-Type must be one of ${Object.values(CONTENT_TYPES).join(", ")} (got ${JSON.stringify(contentType)}).`);
  }
  if (typeFromHeader !== declared) throw new BadRequestError(`Content-Type ${contentType} does not match the extension of ${filename}.`);
  const limit = intEnv("MAX_UPLOAD_BYTES", 5 * 1024 * 1024);
  const bytes = rawBody(event, limit);
  if (bytes.length === 0) throw new BadRequestError("The image is empty.");
  const actual = sniff(bytes);
  if (actual !== declared) {
    throw new BadRequestError(`The bytes are ${actual === undefined ? "not a recognised image" : `a ${actual} image`}, not the declared ${declared}.`);
  }

  const TableName = requireEnv("TABLE_NAME");
  const Bucket = requireEnv("BUCKET_NAME");
  const metadata: PictureMetadata = {
    owner,
    filename,
    key: `${owner}/${filename}`,
    contentType,
    size: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    uploadedAt: new Date().toISOString(),
  };
  try {
    await db.send(new PutCommand({ TableName, Item: metadata, ConditionExpression: "attribute_not_exists(filename)" }));
  } catch (err) {
    if (isAwsError(err, "ConditionalCheckFailedException")) throw new ConflictError(`You already uploaded a picture named ${filename}.`);
    throw err;
  }
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: metadata.key,
        Body: bytes,
        ContentType: contentType,
        Metadata: { sha256: metadata.sha256 },
      }),
    );
  } catch (err) {
    log.error("image write failed; removing its metadata", { error: err, key: metadata.key });
    await db
      .send(new DeleteCommand({ TableName, Key: { owner, filename }, ConditionExpression: "uploadedAt = :t", ExpressionAttributeValues: { ":t": metadata.uploadedAt } }))
      .catch((cleanupErr: unknown) => log.error("metadata cleanup failed", { error: cleanupErr }));
    throw err;
  }
  return json(201, metadata, event, { Location: `/view-all` });
});
