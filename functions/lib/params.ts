/**
 * Request parameters looked up in order (used by the music-library handlers). The document's Python read only the headers
 * (its `if event['headers'] is not None` is always true behind API Gateway); here each
 * parameter is looked up in the JSON body, then the query string, then the headers, so the
 * document's curl commands (`-H 'table:Music'`) and JSON clients both work.
 */
import { parseJsonBody } from "./body.js";
import { BadRequestError } from "./errors.js";
import { header, type ProxyEvent } from "./http.js";

/** DynamoDB table names. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
export const MAX_VALUE_LENGTH = 1024;

export class Params {
  private constructor(
    private readonly event: ProxyEvent,
    private readonly body: Record<string, unknown>,
  ) {}

  static from(event: ProxyEvent): Params {
    const parsed = parseJsonBody(event, { optional: true, limit: 16 * 1024 });
    if (parsed !== undefined && (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))) {
      throw new BadRequestError("Request body must be a JSON object.");
    }
    return new Params(event, (parsed ?? {}) as Record<string, unknown>);
  }

  /** The named parameter, trimmed; 400 naming it when absent, empty or not a string. */
  required(name: string): string {
    let value: unknown;
    if (Object.prototype.hasOwnProperty.call(this.body, name)) value = this.body[name];
    else if (this.event.queryStringParameters?.[name] !== undefined && this.event.queryStringParameters?.[name] !== null) {
      value = this.event.queryStringParameters[name];
    } else value = header(this.event, name);
    if (value === undefined || value === null) {
      throw new BadRequestError(`Missing parameter "${name}": pass it in the JSON body, the query string or a header.`, { details: { parameter: name } });
    }
    if (typeof value !== "string") throw new BadRequestError(`Parameter "${name}" must be a string.`, { details: { parameter: name } });
    const trimmed = value.trim();
    if (trimmed === "") throw new BadRequestError(`Parameter "${name}" must not be empty.`, { details: { parameter: name } });
    if (trimmed.length > MAX_VALUE_LENGTH) throw new BadRequestError(`Parameter "${name}" is longer than ${MAX_VALUE_LENGTH} characters.`, { details: { parameter: name } });
    return trimmed;
  }

  /** The `table` parameter, which must be a valid table name starting with TABLE_PREFIX. */
  table(prefix: string): string {
    const table = this.required("table");
    if (!TABLE_NAME.test(table)) throw new BadRequestError(`Parameter "table" is not a valid table name: ${JSON.stringify(table).slice(0, 80)}.`, { details: { parameter: "table" } });
    if (!table.startsWith(prefix)) {
      throw new BadRequestError(`Parameter "table" must start with "${prefix}" (got ${JSON.stringify(table)}).`, { details: { parameter: "table" } });
    }
    return table;
  }
}

/** The table-name prefix this deployment may manage. */
export function tablePrefix(): string {
  const prefix = process.env.TABLE_PREFIX;
  if (prefix === undefined || prefix.trim() === "") throw new Error("Environment variable TABLE_PREFIX is not set.");
  return prefix.trim();
}
