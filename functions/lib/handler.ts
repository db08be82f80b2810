/**
 * The wrapper every proxy handler goes through: named errors become their status code
 * with a JSON message, anything else a 500 with a generic message (detail in the log
 * only), and the result is always a well-formed proxy response with CORS headers.
 */
import type { Context } from "aws-lambda";
import { HttpError } from "./errors.js";
import { json, type ProxyEvent, type ProxyResult } from "./http.js";
import { createLogger, type Logger } from "./log.js";

export interface RequestContext {
  readonly event: ProxyEvent;
  readonly log: Logger;
  readonly requestId: string;
}

export type ProxyHandler = (event: ProxyEvent, context?: Partial<Context>) => Promise<ProxyResult>;

function isProxyResult(value: unknown): value is ProxyResult {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return Number.isInteger(r.statusCode) && typeof r.body === "string";
}

export function withHttp(name: string, fn: (req: RequestContext) => Promise<ProxyResult>): ProxyHandler {
  const base = createLogger({ function: name });
  return async (event, context) => {
    const safeEvent: ProxyEvent =
      typeof event === "object" && event !== null ? event : ({ headers: {} } as unknown as ProxyEvent);
    const requestId = safeEvent.requestContext?.requestId ?? context?.awsRequestId ?? "unknown";
    const log = base.child({
      requestId,
      ...(context?.awsRequestId === undefined ? {} : { lambdaRequestId: context.awsRequestId }),
    });
    try {
      const result = await fn({ event: safeEvent, log, requestId });
      if (!isProxyResult(result)) throw new Error("handler returned a malformed proxy response");
      log.info("request", { method: safeEvent.httpMethod, resource: safeEvent.resource, status: result.statusCode });
      return result;
    } catch (err) {
      if (err instanceof HttpError) {
        log.info("request rejected", {
          method: safeEvent.httpMethod,
          resource: safeEvent.resource,
          status: err.statusCode,
          reason: err.message,
          ...(err.cause === undefined ? {} : { cause: err.cause }),
        });
        return json(err.statusCode, { message: err.message, ...(err.details ?? {}) }, safeEvent, { ...(err.headers ?? {}) });
      }
      log.error("unhandled error", { method: safeEvent.httpMethod, resource: safeEvent.resource, error: err });
      return json(500, { message: "Internal server error", requestId }, safeEvent);
    }
  };
}
