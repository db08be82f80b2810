/**
 * s3rver 3.7 implements multipart upload but neither ListMultipartUploads nor
 * AbortMultipartUpload; both are answered here from s3rver's own upload folders (see
 * adapter.ts), so a client can abort an upload and a test can see that none is left open.
 */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import type http from "node:http";
import path from "node:path";
import { escapeXml, xml } from "../http";
import type { S3rverAdapter } from "./adapter";
import { s3Error } from "./errors";

/** Answers ListMultipartUploads and AbortMultipartUpload; false when the request is neither. */
export async function multipartExtension(s3rver: S3rverAdapter, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const segments = url.pathname.split("/").filter((s) => s.length > 0);
  let bucket: string | undefined;
  try {
    bucket = segments[0] === undefined ? undefined : decodeURIComponent(segments[0]);
  } catch {
    return false;
  }
  if (bucket === undefined || bucket.includes("..") || bucket.includes("/")) return false;
  const uploadsDir = s3rver.uploadsDir(bucket);
  if (req.method === "GET" && segments.length === 1 && url.searchParams.has("uploads")) {
    try {
      await fs.access(s3rver.bucketDir(bucket));
    } catch {
      s3Error(req, res, 404, "NoSuchBucket", "The specified bucket does not exist");
      return true;
    }
    const ids = await fs.readdir(uploadsDir).catch(() => [] as string[]);
    const uploads: string[] = [];
    for (const id of ids.sort()) {
      const key = await fs.readFile(path.join(uploadsDir, id, "key"), "utf8").catch(() => undefined);
      if (key === undefined) continue;
      uploads.push(`<Upload><Key>${escapeXml(key)}</Key><UploadId>${escapeXml(id)}</UploadId></Upload>`);
    }
    xml(
      req,
      res,
      200,
      `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escapeXml(bucket)}</Bucket>` +
        `<IsTruncated>false</IsTruncated>${uploads.join("")}</ListMultipartUploadsResult>`,
    );
    return true;
  }
  const uploadId = url.searchParams.get("uploadId");
  if (req.method === "DELETE" && segments.length > 1 && uploadId !== null) {
    const dir = path.join(uploadsDir, uploadId);
    const exists = /^[0-9a-f]+$/.test(uploadId) && (await fs.access(dir).then(() => true, () => false));
    if (!exists) {
      s3Error(req, res, 404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.");
      return true;
    }
    await fs.rm(dir, { recursive: true, force: true });
    res.writeHead(204, { "x-amz-request-id": randomUUID() });
    res.end();
    return true;
  }
  return false;
}
