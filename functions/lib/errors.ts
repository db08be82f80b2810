/**
 * The one error family of the handlers. A handler throws an `HttpError` subclass; `withHttp`
 * (handler.ts) turns it into its status code and a JSON body `{ "message": ..., ...details }`,
 * and `withNonProxy` (non-proxy.ts) into a Lambda error whose message starts with the
 * error's name, for integration-response selection patterns. Anything else becomes a 500
 * with a generic message; the detail (and `cause`) goes to the log only.
 */
export interface HttpErrorOptions {
  /** Extra fields returned in the JSON body next to `message`. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The error that led to this one (logged, never sent to the client). */
  readonly cause?: unknown;
  /** Extra response headers (`Allow` on a 405, `ETag` on a 409). */
  readonly headers?: Readonly<Record<string, string>>;
}

export class HttpError extends Error {
  readonly details?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;

  constructor(
    readonly statusCode: number,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HttpError";
    if (options.details !== undefined) this.details = options.details;
    if (options.headers !== undefined) this.headers = options.headers;
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, options?: HttpErrorOptions) {
    super(400, message, options);
    this.name = "BadRequestError";
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = "Unauthorized", options?: HttpErrorOptions) {
    super(401, message, options);
    this.name = "UnauthorizedError";
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = "Forbidden", options?: HttpErrorOptions) {
    super(403, message, options);
    this.name = "ForbiddenError";
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string, options?: HttpErrorOptions) {
    super(404, message, options);
    this.name = "NotFoundError";
  }
}

export class MethodNotAllowedError extends HttpError {
  constructor(method: string, allowed: readonly string[], options: Omit<HttpErrorOptions, "details" | "headers"> = {}) {
    super(405, `Method ${method} is not allowed here; use ${allowed.join(", ")}.`, {
      ...options,
      details: { allowed },
      headers: { Allow: allowed.join(", ") },
    });
    this.name = "MethodNotAllowedError";
  }
}

export class ConflictError extends HttpError {
  constructor(message: string, options?: HttpErrorOptions) {
    super(409, message, options);
    this.name = "ConflictError";
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(message: string, options?: HttpErrorOptions) {
    super(413, message, options);
    this.name = "PayloadTooLargeError";
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string, options?: HttpErrorOptions) {
    super(415, message, options);
    this.name = "UnsupportedMediaTypeError";
  }
}

/** A required environment variable is missing: a deployment error, reported as a 500. */
export class ConfigurationError extends Error {
  constructor(name: string, options?: ErrorOptions) {
    super(`Environment variable ${name} is not set.`, options);
    this.name = "ConfigurationError";
  }
}

/** True for an AWS SDK error with this name (ConditionalCheckFailedException, NoSuchKey, ...). */
export function isAwsError(err: unknown, ...names: string[]): boolean {
  return err instanceof Error && names.includes(err.name);
}
