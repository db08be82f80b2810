/**
 * Request parameters looked up in order (used by the music-library handlers). The document's Python read only the headers
 * (its `if event['headers'] is not None` is always true behind API Gateway); here each
 * parameter is looked up in the JSON body, then the query string, then the headers, so the
 * document's curl commands (`-H 'table:Music'`) and JSON clients both work. `table` names a
 * logical table (`Music`), which maps to the environment's physical one (`dev-Music`).
 */
import { parseJsonBody } from "./body.js";
import { BadRequestError, ConfigurationError } from "./errors.js";
import { header, type ProxyEvent } from "./http.js";

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

  /**
   * The `table` parameter: a logical table name of the document (`Music`, or `Music<suffix>`),
   * mapped to this environment's physical table (`dev-Music`, `dev-Music<suffix>`). Any other
   * name is a 400 that states the allowed pattern; no physical name outside the configured
   * prefix can ever be produced, so IAM (`table/<prefix>*`) and the handler agree.
   */
  table(tables: TableNames): MappedTable {
    const logical = this.required("table");
    const mapped = tables.physical(logical);
    if (mapped === undefined) {
      throw new BadRequestError(
        `Parameter "table" must be a table name matching ${tables.pattern.source} (got ${JSON.stringify(logical).slice(0, 80)}).`,
        { details: { parameter: "table", pattern: tables.pattern.source } },
      );
    }
    return { logical, physical: mapped };
  }
}

export interface MappedTable {
  /** The name the client used and every answer shows (`Music`). */
  readonly logical: string;
  /** The environment's table (`dev-Music`). */
  readonly physical: string;
}

/** DynamoDB allows 255 characters in a table name. */
const MAX_TABLE_NAME = 255;

/** Logical (document) table names ↔ physical (environment) table names. */
export class TableNames {
  readonly pattern: RegExp;

  /**
   * @param logicalBase the document's table name, `Music`
   * @param physicalPrefix the environment's name for it, `dev-Music`, which prefixes every table the API may touch
   */
  constructor(
    readonly logicalBase: string,
    readonly physicalPrefix: string,
  ) {
    const room = Math.max(0, MAX_TABLE_NAME - physicalPrefix.length);
    this.pattern = new RegExp(`^${logicalBase.replace(/[.]/g, "\\.")}[A-Za-z0-9_.-]{0,${room}}$`);
  }

  /** The physical name of a logical one, undefined when it is not a valid logical name. */
  physical(logical: string): string | undefined {
    if (!this.pattern.test(logical)) return undefined;
    return `${this.physicalPrefix}${logical.slice(this.logicalBase.length)}`;
  }
}

/** The table names this deployment may manage: LOGICAL_TABLE (default `Music`) under TABLE_PREFIX. */
export function tableNames(): TableNames {
  const prefix = process.env.TABLE_PREFIX;
  if (prefix === undefined || prefix.trim() === "") throw new ConfigurationError("TABLE_PREFIX");
  const logical = (process.env.LOGICAL_TABLE ?? "").trim() || "Music";
  return new TableNames(logical, prefix.trim());
}
