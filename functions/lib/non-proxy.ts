/**
 * The wrapper of a handler behind a NON-proxy Lambda integration. There the integration
 * responses pick the status code with selection patterns matched against the Lambda error's
 * `errorMessage`, so an `HttpError` leaves as an error whose message starts with its name
 * (`NotFoundError: item 5 does not exist` → `NotFoundError:.*` → 404). Anything else is
 * logged and leaves as `InternalError: ...` with no detail, which the route's catch-all
 * integration response turns into API Gateway's `500 {"message": "Internal server error"}`.
 */
import type { Context } from "aws-lambda";
import { HttpError } from "./errors.js";
import { createLogger } from "./log.js";

/** The error a non-proxy handler throws for `err`: `<Name>: <message>`. */
export class LambdaError extends Error {
  constructor(name: string, message: string) {
    super(`${name}: ${message}`);
    this.name = name;
  }
}

export function withNonProxy<E, R>(name: string, fn: (event: E, log: ReturnType<typeof createLogger>) => Promise<R>) {
  const base = createLogger({ function: name });
  return async (event: E, context?: Partial<Context>): Promise<R> => {
    const log = base.child({ requestId: context?.awsRequestId ?? "unknown" });
    try {
      return await fn(event, log);
    } catch (err) {
      if (err instanceof HttpError) {
        log.info("request rejected", { status: err.statusCode, reason: err.message });
        throw new LambdaError(err.name, err.message);
      }
      log.error("unhandled error", { error: err });
      throw new LambdaError("InternalError", "the request failed; see the function log");
    }
  };
}
