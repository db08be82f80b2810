/**
 * The local S3, as run in its child process: s3rver (path-style) behind a small S3 layer
 * of this project's own that authenticates every request as S3 does (auth.ts), adds
 * ListMultipartUploads/AbortMultipartUpload (multipart.ts) and conditional writes
 * (conditional.ts), then hands the request to s3rver through the adapter.
 */
import http from "node:http";
import type { AccessKey } from "../credentials";
import type { ChildService } from "../child";
import { counter, drain } from "../http";
import { createS3rver, S3RVER_KEY_ID } from "./adapter";
import { S3Authenticator, type AuthResult } from "./auth";
import { locks, objectWrite, refuseConditionalWrite } from "./conditional";
import { s3Error } from "./errors";
import { multipartExtension } from "./multipart";

export interface S3LayerOptions {
  /** Folder where s3rver keeps buckets and objects. */
  readonly directory: string;
  /** Buckets created before the server starts answering. */
  readonly buckets?: readonly string[];
  /** The access keys whose signatures are accepted. */
  readonly credentials: readonly AccessKey[];
}

/** s3rver knows one key, `S3RVER`, and computes no SigV4 signature: a verified request is handed over under that key. */
function readdress(req: http.IncomingMessage, result: Extract<AuthResult, { kind: "signed" }>): void {
  if (result.via === "header") {
    req.headers.authorization = String(req.headers.authorization).replace(`Credential=${result.accessKeyId}/`, `Credential=${S3RVER_KEY_ID}/`);
    return;
  }
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const parts = url.slice(q + 1).split("&").map((part) => {
    if (!part.startsWith("X-Amz-Credential=")) return part;
    const value = decodeURIComponent(part.slice("X-Amz-Credential=".length));
    return `X-Amz-Credential=${encodeURIComponent(S3RVER_KEY_ID + value.slice(result.accessKeyId.length))}`;
  });
  req.url = `${url.slice(0, q)}?${parts.join("&")}`;
}

export async function createS3Layer(options: S3LayerOptions): Promise<ChildService> {
  const s3rver = await createS3rver(options.directory, options.buckets ?? []);
  const auth = new S3Authenticator(options.credentials);
  const count = counter((req) => req.method === "PUT" || req.method === "POST" || req.method === "DELETE");
  const lock = locks();
  const server = http.createServer((req, res) => {
    count.track(req, res);
    (async () => {
      if (!URL.canParse(req.url ?? "/", "http://localhost")) {
        await drain(req);
        return s3Error(req, res, 400, "InvalidURI", "Couldn't parse the specified URI.");
      }
      // A CORS preflight carries no credentials, on S3 as here: s3rver answers it from the bucket's CORS rules.
      if (req.method !== "OPTIONS") {
        const result = await auth.authenticate(req);
        if (result.kind === "refused") {
          await drain(req);
          return s3Error(req, res, result.failure.status, result.failure.code, result.failure.message, result.failure.extra);
        }
        if (result.kind === "anonymous") {
          await drain(req);
          return s3Error(req, res, 403, "AccessDenied", "Access Denied");
        }
        readdress(req, result);
      }
      if (await multipartExtension(s3rver, req, res)) return;
      const write = objectWrite(req);
      if (write === undefined) return s3rver.handle(req, res);
      // One write per key at a time, held until the answer is sent: s3rver has stored the
      // object by then, so the next conditional write on the key sees it.
      const release = await lock(`${write.bucket}/${write.key}`);
      res.once("close", release);
      if (res.writableEnded || res.destroyed || req.socket.destroyed) return release();
      if (await refuseConditionalWrite(s3rver, write, req, res)) return;
      s3rver.handle(req, res);
    })().catch((err: unknown) => {
      if (res.headersSent) res.destroy();
      else {
        // The detail goes to the log, as S3 keeps its own: the answer is S3's.
        console.error(`local S3: ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
        s3Error(req, res, 500, "InternalError", "We encountered an internal error. Please try again.");
      }
    });
  });
  return { server, stats: count.stats };
}
