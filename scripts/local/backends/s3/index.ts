/**
 * S3 API: s3rver behind this project's S3 layer (server.ts), in a child process (see
 * ../supervisor.ts), path-style only. Requests must be signed (SigV4, header or presigned
 * URL) with one of `credentials`; anonymous requests are refused as by a private bucket.
 * While the child restarts, requests get S3's `503 ServiceUnavailable` ("Service is unable
 * to handle request.", S3 API reference "Error responses"), which the SDK retries.
 */
import { fileURLToPath } from "node:url";
import { LOCAL_CREDENTIALS, type AccessKey } from "../credentials";
import { supervise, type SupervisedBackend } from "../supervisor";
import { s3Error } from "./errors";

export interface S3rverOptions {
  /** Folder where s3rver keeps buckets and objects (kept across restarts). */
  readonly directory: string;
  /** Buckets created before the server starts answering. */
  readonly buckets?: readonly string[];
  /** Access keys whose signatures are accepted. Default `LOCAL_CREDENTIALS`. */
  readonly credentials?: readonly AccessKey[];
  readonly onRestart?: (childEndpoint: string) => Promise<void>;
  readonly log?: (line: string) => void;
}

/** Starts the local S3 on 127.0.0.1 in a supervised child process. */
export function startS3rver(options: S3rverOptions): Promise<SupervisedBackend> {
  return supervise({
    name: "s3",
    entry: fileURLToPath(new URL("./child.ts", import.meta.url)),
    bundled: fileURLToPath(new URL("./backend-s3.js", import.meta.url)),
    options: { directory: options.directory, buckets: options.buckets ?? [], credentials: options.credentials ?? LOCAL_CREDENTIALS },
    onRestart: options.onRestart,
    log: options.log,
    unavailable: (req, res) => s3Error(req, res, 503, "ServiceUnavailable", "Service is unable to handle request."),
  });
}
