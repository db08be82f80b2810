/**
 * Named errors a handler throws; `withHttp` (handler.ts) maps each to its status code and
 * a JSON body `{ "message": ... }`. Anything else becomes a 500 with a generic message.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** Extra fields returned in the JSON body next to `message`. */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export class BadRequest extends HttpError {
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super(400, message, details);
    this.name = "BadRequest";
  }
}

export class Unauthorized extends HttpError {
  constructor(message = "Unauthorized") {
    super(401, message);
    this.name = "Unauthorized";
  }
}

export class NotFound extends HttpError {
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super(404, message, details);
    this.name = "NotFound";
  }
}

export class MethodNotAllowed extends HttpError {
  constructor(method: string, allowed: readonly string[]) {
    super(405, `Method ${method} is not allowed here; use ${allowed.join(", ")}.`, { allowed });
    this.name = "MethodNotAllowed";
  }
}

export class Conflict extends HttpError {
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super(409, message, details);
    this.name = "Conflict";
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super(413, message, details);
    this.name = "PayloadTooLarge";
  }
}

export class UnsupportedMediaType extends HttpError {
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super(415, message, details);
    this.name = "UnsupportedMediaType";
  }
}

/** A required environment variable is missing: a deployment error, reported as a 500. */
export class ConfigurationError extends Error {
  constructor(name: string) {
    super(`Environment variable ${name} is not set.`);
    this.name = "ConfigurationError";
  }
}

/** True for an AWS SDK error with this name (ConditionalCheckFailedException, NoSuchKey, ...). */
export function isAwsError(err: unknown, ...names: string[]): boolean {
  return err instanceof Error && names.includes(err.name);
}
