/**
 * Step: access log. Each stage's `access_log_settings.format` with `$context.*` substituted,
 * to the log callback and `<logDir>/<stack>-<stage>.log`. Substituted values are escaped as
 * JSON string content (quotes, backslashes, tabs and every control character), so a JSON
 * format gives valid JSON whatever the request carries.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import type { RequestContext } from "../request";
import type { Invocation } from "./invocation";

/** An access log format split once into its literal text and its `$context.*` paths. */
interface CompiledFormat {
  readonly literals: readonly string[];
  readonly paths: readonly (readonly string[])[];
}
const compiledFormats = new Map<string, CompiledFormat>();

function compileFormat(format: string): CompiledFormat {
  let compiled = compiledFormats.get(format);
  if (!compiled) {
    const literals: string[] = [];
    const paths: string[][] = [];
    const re = /\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(format)) !== null) {
      literals.push(format.slice(last, m.index));
      paths.push(m[1]!.split("."));
      last = re.lastIndex;
    }
    literals.push(format.slice(last));
    compiled = { literals, paths };
    compiledFormats.set(format, compiled);
  }
  return compiled;
}

/** Characters that cannot stand unescaped in a JSON string (and U+2028/2029, which end lines in some readers). */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f\u2028\u2029]/;

function escapeValue(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/\u007f/g, "\\u007f")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Substitutes `$context.*` variables in an access log format; values JSON-escaped, missing → `-`. */
export function renderAccessLog(format: string, ctx: RequestContext): string {
  const { literals, paths } = compileFormat(format);
  let line = literals[0]!;
  for (let i = 0; i < paths.length; i += 1) {
    let v: unknown = ctx;
    for (const part of paths[i]!) v = v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
    if (v === undefined || v === null || v === "") line += "-";
    else line += escapeValue(typeof v === "object" ? JSON.stringify(v) : String(v));
    line += literals[i + 1]!;
  }
  return line;
}

interface LogFile {
  readonly stream: WriteStream;
  /** Lines not yet handed to the stream. */
  pending: string;
  timer?: NodeJS.Timeout;
}

/** How long a line may wait for the lines after it, and how much may wait, before the file is written. */
const FLUSH_MS = 50;
const FLUSH_BYTES = 64 * 1024;

function flushLog(file: LogFile): void {
  clearTimeout(file.timer);
  file.timer = undefined;
  if (file.pending === "") return;
  const text = file.pending;
  file.pending = "";
  if (!file.stream.writableEnded) file.stream.write(text);
}

/** The access log files of the stages, written in batches (at most every 50 ms or 64 KiB) and flushed on close. */
export class AccessLogs {
  private readonly files = new Map<string, LogFile>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly logDir?: string,
  ) {}

  write(inv: Invocation): void {
    const { api, stage } = inv;
    if (!stage.accessLogFormat) return;
    const line = renderAccessLog(stage.accessLogFormat, inv.ctx);
    this.log(line);
    if (!this.logDir) return;
    const key = `${api.stack}-${stage.name}`;
    let file = this.files.get(key);
    if (!file) {
      mkdirSync(this.logDir, { recursive: true });
      const stream = createWriteStream(join(this.logDir, `${key}.log`), { flags: "a" });
      stream.on("error", () => undefined);
      file = { stream, pending: "" };
      this.files.set(key, file);
    }
    // Whole lines only: each write ends in a newline, so the file is valid JSON lines at any time.
    file.pending += line + "\n";
    if (file.pending.length >= FLUSH_BYTES) flushLog(file);
    else file.timer ??= setTimeout(flushLog, FLUSH_MS, file);
  }

  /** Flushes and closes the files. */
  async close(): Promise<void> {
    const files = [...this.files.values()];
    this.files.clear();
    await Promise.all(
      files.map((f) => {
        flushLog(f);
        return new Promise<void>((ok) => f.stream.end(() => ok()));
      }),
    );
  }
}
