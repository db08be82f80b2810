/**
 * Conditional writes, which s3rver 3.7 ignores: S3 honours `If-None-Match: *` on PutObject
 * and CompleteMultipartUpload (412 PreconditionFailed when the key exists; a failed
 * CompleteMultipartUpload leaves the upload open). Other values, and `If-Match`, are
 * answered 501 NotImplemented instead of being ignored. Writes to one key are serialized,
 * so the check and the write are atomic in the S3 process.
 */
import type http from "node:http";
import { drain } from "../http";
import type { S3rverAdapter } from "./adapter";
import { s3Error } from "./errors";

/** A request that creates, replaces or deletes one object. */
export interface ObjectWrite {
  readonly kind: "PutObject" | "CopyObject" | "CompleteMultipartUpload" | "DeleteObject";
  readonly bucket: string;
  readonly key: string;
}

/** Query parameters that make a PUT something other than PutObject / CopyObject. */
const PUT_SUBRESOURCES = ["uploadId", "partNumber", "tagging", "acl", "retention", "legal-hold", "torrent"];

export function objectWrite(req: http.IncomingMessage): ObjectWrite | undefined {
  const url = new URL(req.url ?? "/", "http://localhost");
  const [first, ...rest] = url.pathname.split("/").filter((s) => s.length > 0);
  if (first === undefined || rest.length === 0) return undefined;
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(first);
    key = rest.map((s) => decodeURIComponent(s)).join("/") + (url.pathname.endsWith("/") ? "/" : "");
  } catch {
    return undefined; // malformed escapes: s3rver answers for itself
  }
  const q = url.searchParams;
  if (req.method === "PUT" && !PUT_SUBRESOURCES.some((name) => q.has(name))) {
    return { kind: "x-amz-copy-source" in req.headers ? "CopyObject" : "PutObject", bucket, key };
  }
  if (req.method === "POST" && q.has("uploadId")) return { kind: "CompleteMultipartUpload", bucket, key };
  if (req.method === "DELETE" && !q.has("uploadId") && !q.has("tagging")) return { kind: "DeleteObject", bucket, key };
  return undefined;
}

/** FIFO locks by name: `await acquire(name)` resolves, with its release, once every earlier holder has released. */
export function locks(): (name: string) => Promise<() => void> {
  const tails = new Map<string, Promise<void>>();
  return async (name) => {
    const previous = tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    tails.set(name, tail);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (tails.get(name) === tail) tails.delete(name);
    };
  };
}

/** Answers a conditional write S3 would refuse; true when answered. The caller holds the key's lock. */
export async function refuseConditionalWrite(s3rver: S3rverAdapter, write: ObjectWrite, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  if (write.kind !== "PutObject" && write.kind !== "CompleteMultipartUpload") return false;
  const ifNoneMatch = req.headers["if-none-match"];
  const ifMatch = req.headers["if-match"];
  if (ifNoneMatch === undefined && ifMatch === undefined) return false;
  const header = ifNoneMatch === undefined ? "If-Match" : "If-None-Match";
  if (ifMatch !== undefined || ifNoneMatch?.trim() !== "*") {
    await drain(req);
    s3Error(req, res, 501, "NotImplemented", "A header you provided implies functionality that is not implemented", { Header: header });
    return true;
  }
  if (!(await s3rver.existsObject(write.bucket, write.key))) return false;
  await drain(req);
  s3Error(req, res, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", { Condition: "If-None-Match" });
  return true;
}
