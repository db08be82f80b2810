/**
 * Streaming reader for a JSON document shaped `{ ...fields, "items": [ ... ], ...fields }`:
 * yields each element of the top-level `items` array as soon as it is complete and each
 * other top-level field once, so a backup of any size is read with flat memory.
 */
import { StringDecoder } from "node:string_decoder";

export type StreamEvent = { readonly type: "item"; readonly value: unknown } | { readonly type: "field"; readonly key: string; readonly value: unknown };

export class MalformedDocument extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedDocument";
  }
}

export interface StreamOptions {
  /** Largest single element or field, in characters. @default 1 MiB */
  readonly maxElementChars?: number;
  /** Called with every raw chunk (for hashing and counting bytes). */
  readonly onChunk?: (chunk: Uint8Array) => void;
}

const WS = new Set([" ", "\t", "\n", "\r"]);

export async function* readItemsDocument(
  source: AsyncIterable<Uint8Array | string>,
  options: StreamOptions = {},
): AsyncGenerator<StreamEvent> {
  const max = options.maxElementChars ?? 1024 * 1024;
  const decoder = new StringDecoder("utf8");
  let state: "start" | "member" | "items" | "afterItems" | "end" = "start";
  let depth = 0;
  let inString = false;
  let escaped = false;
  let carry = "";
  let sawItems = false;

  function parse(text: string, what: string): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new MalformedDocument(`${what} is not valid JSON: ${(err as Error).message}`);
    }
  }

  for await (const chunk of source) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    options.onChunk?.(bytes);
    const text = decoder.write(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
    const events: StreamEvent[] = [];
    let capStart = 0;
    for (let i = 0; i < text.length; i += 1) {
      const ch = text[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === "\\") escaped = true;
        else if (ch === '"') inString = false;
        continue;
      }
      if (state === "start" || state === "end") {
        if (WS.has(ch)) continue;
        if (state === "start" && ch === "{") {
          state = "member";
          depth = 1;
          carry = "";
          capStart = i + 1;
          continue;
        }
        throw new MalformedDocument(state === "start" ? "document must be a JSON object" : "unexpected data after the document");
      }
      if (state === "afterItems") {
        if (WS.has(ch)) continue;
        if (ch === ",") {
          state = "member";
          carry = "";
          capStart = i + 1;
          continue;
        }
        if (ch === "}") {
          state = "end";
          depth = 0;
          continue;
        }
        throw new MalformedDocument(`unexpected "${ch}" after the items array`);
      }
      if (ch === '"') {
        inString = true;
        continue;
      }
      const boundaryDepth = state === "member" ? 1 : 2;
      if (depth === boundaryDepth) {
        if (state === "member" && (ch === "," || ch === "}")) {
          const member = (carry + text.slice(capStart, i)).trim();
          carry = "";
          capStart = i + 1;
          if (member.length > 0) {
            const obj = parse(`{${member}}`, "a top-level field") as Record<string, unknown>;
            for (const [key, value] of Object.entries(obj)) events.push({ type: "field", key, value });
          } else if (ch === ",") throw new MalformedDocument("empty top-level field");
          if (ch === "}") {
            state = "end";
            depth = 0;
          }
          continue;
        }
        if (state === "member" && ch === "[" && /^\s*"items"\s*:\s*$/.test(carry + text.slice(capStart, i))) {
          if (sawItems) throw new MalformedDocument('"items" appears twice');
          sawItems = true;
          state = "items";
          depth = 2;
          carry = "";
          capStart = i + 1;
          continue;
        }
        if (state === "items" && (ch === "," || ch === "]")) {
          const element = (carry + text.slice(capStart, i)).trim();
          carry = "";
          capStart = i + 1;
          if (element.length > 0) events.push({ type: "item", value: parse(element, "an item") });
          else if (ch === ",") throw new MalformedDocument("empty element in items");
          if (ch === "]") {
            state = "afterItems";
            depth = 1;
          }
          continue;
        }
      }
      if (ch === "{" || ch === "[") {
        depth += 1;
        if (depth > 64) throw new MalformedDocument("document is nested too deeply");
      } else if (ch === "}" || ch === "]") {
        depth -= 1;
        if (depth < boundaryDepth) throw new MalformedDocument(`unbalanced "${ch}"`);
      }
    }
    if (state === "member" || state === "items") {
      carry += text.slice(capStart);
      if (carry.length > max) throw new MalformedDocument(`an element is larger than ${max} characters`);
    }
    for (const event of events) yield event;
  }
  const rest = decoder.end();
  if (rest.trim().length > 0 || (state as string) !== "end") throw new MalformedDocument("document ends early");
  if (!sawItems) throw new MalformedDocument('document has no "items" array');
}
