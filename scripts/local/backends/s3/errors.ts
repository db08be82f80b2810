/**
 * S3's REST error answers: `application/xml`, an `<Error>` with `Code`, `Message`, any
 * extra elements and a `RequestId` (the structure in the S3 API reference, "Error
 * responses"). A HEAD answer carries the status and no body, as on S3.
 */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { escapeXml, xml } from "../http";

export function s3Error(req: http.IncomingMessage | undefined, res: http.ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  const requestId = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
  const fields = Object.entries(extra)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join("");
  xml(req, res, status, `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${fields}<RequestId>${requestId}</RequestId></Error>`, { "x-amz-request-id": requestId });
}
