/**
 * DynamoDB API: dynalite in a child process (see ../supervisor.ts). While the child
 * restarts, requests get DynamoDB's own `ServiceUnavailable` (HTTP 503, "The service is
 * currently unavailable or busy.", listed under "5xx errors" in the DynamoDB developer
 * guide's "Error handling with DynamoDB"), which the SDK retries.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { supervise, type SupervisedBackend } from "../supervisor";
import type { DynaliteOptions } from "./writes";

export type { DynaliteOptions } from "./writes";

export interface StartDynaliteOptions extends DynaliteOptions {
  /**
   * Run after the child restarts, against its own endpoint, before it takes traffic: an
   * in-memory dynalite comes back empty, so the gateway re-creates its tables here.
   */
  readonly onRestart?: (childEndpoint: string) => Promise<void>;
  readonly log?: (line: string) => void;
}

/** Starts dynalite on 127.0.0.1 in a supervised child process. */
export function startDynalite(options: StartDynaliteOptions = {}): Promise<SupervisedBackend> {
  return supervise({
    name: "dynamodb",
    entry: fileURLToPath(new URL("./child.ts", import.meta.url)),
    bundled: fileURLToPath(new URL("./backend-dynamodb.js", import.meta.url)),
    options: options.path === undefined ? {} : { path: options.path },
    onRestart: options.onRestart,
    log: options.log,
    unavailable: (_req, res) => {
      const body = JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#ServiceUnavailable", message: "The service is currently unavailable or busy." });
      res.writeHead(503, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": randomUUID().replace(/-/g, "").toUpperCase(), "content-length": Buffer.byteLength(body) });
      res.end(body);
    },
  });
}
