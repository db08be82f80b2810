import { expect } from "chai";
import { isolateEnv } from "../support/backends.js";
import fc from "fast-check";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseJsonBody, rawBody } from "../../functions/lib/body.js";
import { HttpError } from "../../functions/lib/errors.js";
import { corsHeaders, json } from "../../functions/lib/http.js";
import { withHttp } from "../../functions/lib/handler.js";
import { proxyEvent } from "../support/events.js";
import { readItemsDocument, MalformedDocument } from "../../functions/lib/json-stream.js";
import { decodeToken, encodeToken, parseLimit } from "../../functions/lib/pagination.js";
import { fromJsonItem, itemToJson, toJsonItem } from "../../functions/lib/dynamodb-json.js";
import { schemaErrors } from "../../functions/lib/validate.js";
import { StudentCreateSchema, StudentUpdateSchema } from "../../functions/insert-student-data/schema.js";
import { TodoCreateSchema, TodoUpdateSchema } from "../../functions/todos/schema.js";
import { ItemSchema, ItemsSchema } from "../../functions/items/schema.js";
import { BackupRequestSchema } from "../../functions/backup-students/schema.js";
import { RestoreRequestSchema } from "../../functions/restore-students/schema.js";

const FUNCTIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../functions");

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return err.statusCode;
    throw err;
  }
  return undefined;
}

async function collect(chunks: Array<string | Uint8Array>) {
  const out: unknown[] = [];
  const fields: Record<string, unknown> = {};
  for await (const e of readItemsDocument((async function* () {
    yield* chunks;
  })())) {
    if (e.type === "item") out.push(e.value);
    else fields[e.key] = e.value;
  }
  return { items: out, fields };
}

describe("functions/lib", function () {
  isolateEnv();

  describe("body parser", function () {
    const event = (body: string | null, contentType?: string, isBase64Encoded = false) => ({
      body,
      isBase64Encoded,
      headers: contentType === undefined ? {} : { "CONTENT-TYPE": contentType },
    });

    it("parses JSON with any casing of the header and JSON-suffixed media types", function () {
      expect(parseJsonBody(event('{"a":1}', "application/json; charset=utf-8"))).to.deep.equal({ a: 1 });
      expect(parseJsonBody(event('{"a":1}', "application/merge-patch+json"))).to.deep.equal({ a: 1 });
      expect(parseJsonBody(event(Buffer.from('{"a":"é"}').toString("base64"), "application/json", true))).to.deep.equal({ a: "é" });
    });

    it("maps each kind of bad body to its status", function () {
      expect(statusOf(() => parseJsonBody(event('{"a":1}', "text/plain")))).to.equal(415);
      expect(statusOf(() => parseJsonBody(event('{"a":1}')))).to.equal(415);
      expect(statusOf(() => parseJsonBody(event(null, "application/json")))).to.equal(400);
      expect(statusOf(() => parseJsonBody(event("{", "application/json")))).to.equal(400);
      expect(statusOf(() => parseJsonBody(event("%%%", "application/json", true)))).to.equal(400);
      expect(statusOf(() => parseJsonBody(event(Buffer.from([0xff, 0xfe]).toString("base64"), "application/json", true)))).to.equal(400);
      expect(statusOf(() => parseJsonBody(event(`"${"x".repeat(100)}"`, "application/json"), { limit: 50 }))).to.equal(413);
      expect(statusOf(() => parseJsonBody(event("[".repeat(40) + "]".repeat(40), "application/json")))).to.equal(400);
      for (const key of ["__proto__", "constructor", "prototype"]) {
        expect(statusOf(() => parseJsonBody(event(`{"a":[{"b":{"${key}":1}}]}`, "application/json"))), key).to.equal(400);
      }
      expect(parseJsonBody(event(null, "text/plain"), { optional: true })).to.equal(undefined);
    });

    it("counts the limit in decoded bytes, multi-byte characters included", function () {
      expect(statusOf(() => rawBody({ body: "é".repeat(30), isBase64Encoded: false }, 50))).to.equal(413);
      expect(rawBody({ body: Buffer.alloc(50).toString("base64"), isBase64Encoded: true }, 50)).to.have.length(50);
      expect(statusOf(() => rawBody({ body: Buffer.alloc(51).toString("base64"), isBase64Encoded: true }, 50))).to.equal(413);
    });
  });

  describe("handler wrapper and logs", function () {
    async function captured(fn: () => Promise<unknown>): Promise<{ result: unknown; lines: Record<string, unknown>[] }> {
      const lines: string[] = [];
      const [log, error, level] = [console.log, console.error, process.env.LOG_LEVEL];
      console.log = (line: string) => lines.push(line);
      console.error = (line: string) => lines.push(line);
      process.env.LOG_LEVEL = "info";
      try {
        const result = await fn();
        return { result, lines: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
      } finally {
        console.log = log;
        console.error = error;
        if (level === undefined) delete process.env.LOG_LEVEL;
        else process.env.LOG_LEVEL = level;
      }
    }

    it("turns an unexpected error into a generic 500 and logs the detail with the request id", async function () {
      const handler = withHttp("t", async () => {
        throw new Error("secret detail: table xyz");
      });
      const event = proxyEvent({ method: "GET", resource: "/x", headers: {} });
      const { result, lines } = await captured(() => handler(event));
      const r = result as { statusCode: number; body: string; headers: Record<string, string> };
      expect(r.statusCode).to.equal(500);
      expect(r.body).not.to.contain("secret");
      expect(JSON.parse(r.body)).to.deep.equal({ message: "Internal server error", requestId: event.requestContext.requestId });
      expect(r.headers.Vary).to.equal("Origin");
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ level: "error", requestId: event.requestContext.requestId, function: "t" });
      expect((lines[0]!.error as { message: string }).message).to.equal("secret detail: table xyz");
    });

    it("logs one info line per request and maps named errors with their details", async function () {
      const ok = withHttp("t", async ({ event }) => json(200, { ok: true }, event));
      const { lines } = await captured(() => ok(proxyEvent({ method: "GET", resource: "/x", headers: {} })));
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ level: "info", status: 200, method: "GET", resource: "/x" });
      const malformed = withHttp("t", async () => ({ statusCode: "200", body: {} }) as never);
      const { result } = await captured(() => malformed(proxyEvent({ method: "GET", resource: "/x", headers: {} })));
      expect((result as { statusCode: number }).statusCode).to.equal(500);
    });
  });

  describe("CORS headers", function () {
    afterEach(() => delete process.env.ALLOWED_ORIGINS);
    it("echoes only allowed origins and always varies on Origin", function () {
      process.env.ALLOWED_ORIGINS = "https://a.example, https://b.example";
      expect(corsHeaders({ headers: { origin: "https://b.example" } })).to.include({ "Access-Control-Allow-Origin": "https://b.example", Vary: "Origin" });
      expect(corsHeaders({ headers: { Origin: "https://c.example" } })).to.deep.equal({ Vary: "Origin" });
      process.env.ALLOWED_ORIGINS = "*";
      expect(corsHeaders({ headers: {} })).to.include({ "Access-Control-Allow-Origin": "*" });
    });
  });

  describe("pagination tokens", function () {
    afterEach(() => delete process.env.PAGINATION_SECRET);
    it("round-trips keys of the right shape and refuses any other shape", function () {
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 50 }), fc.integer(), (s, n) => {
          expect(decodeToken(encodeToken({ owner: s, n }), { owner: "S", n: "N" })).to.deep.equal({ owner: s, n });
          expect(() => decodeToken(encodeToken({ owner: s }), { owner: "S", n: "N" })).to.throw(HttpError);
          expect(() => decodeToken(encodeToken({ owner: n, n }), { owner: "S", n: "N" })).to.throw(HttpError);
        }),
      );
      expect(parseLimit(undefined, 7, 10)).to.equal(7);
      expect(statusOf(() => parseLimit("11", 7, 10))).to.equal(400);
    });

    it("refuses any change to a signed token", function () {
      process.env.PAGINATION_SECRET = "s3cret";
      const token = encodeToken({ id: "abc" })!;
      fc.assert(
        fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(..."ABCabc012-_"), (i, c) => {
          const changed = token.slice(0, i) + c + token.slice(i + 1);
          fc.pre(changed !== token);
          expect(() => decodeToken(changed, { id: "S" })).to.throw(HttpError);
        }),
      );
    });
  });

  describe("streaming backup reader", function () {
    const jsonItem = fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => !["__proto__"].includes(k)), fc.oneof(fc.string().map((S) => ({ S })), fc.integer().map((n) => ({ N: String(n) }))), { maxKeys: 4 });

    it("yields the same items and fields whatever the chunk boundaries, multi-byte characters included", async function () {
      await fc.assert(
        fc.asyncProperty(fc.array(jsonItem, { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }), async (items, cuts) => {
          const doc = Buffer.from(`{"format":"x","table":"t ☃","items":[\n${items.map((i) => JSON.stringify(i)).join(",\n")}\n],"count":${items.length}}\n`);
          const chunks: Uint8Array[] = [];
          let at = 0;
          for (let k = 0; at < doc.length; k += 1) {
            const size = cuts[k % cuts.length]!;
            chunks.push(doc.subarray(at, at + size));
            at += size;
          }
          const { items: got, fields } = await collect(chunks);
          expect(got).to.deep.equal(items);
          expect(fields).to.deep.equal({ format: "x", table: "t ☃", count: items.length });
        }),
        { numRuns: 300 },
      );
    });

    it("refuses truncated, trailing, unbalanced and item-less documents", async function () {
      for (const doc of ['{"items":[{"a":1}', '{"items":[]} x', '{"items":[}]}', '{"count":1}', '[{"a":1}]', '{"items":[1,,2]}', '{"items":[]}{"items":[]}']) {
        let error: unknown;
        try {
          await collect([doc]);
        } catch (err) {
          error = err;
        }
        expect(error, doc).to.be.instanceOf(MalformedDocument);
      }
    });
  });

  describe("DynamoDB JSON", function () {
    it("round-trips every attribute type exactly", function () {
      const item = {
        s: { S: "x" },
        n: { N: "1.50" },
        b: { B: new Uint8Array([0, 255]) },
        t: { BOOL: true },
        z: { NULL: true as const },
        l: { L: [{ S: "a" }, { M: { k: { NS: ["1", "2"] } } }] },
        ss: { SS: ["a", "b"] },
        bs: { BS: [new Uint8Array([1])] },
      };
      const json = JSON.parse(JSON.stringify(toJsonItem(item)));
      const back = fromJsonItem(json);
      expect(JSON.stringify(toJsonItem(back))).to.equal(JSON.stringify(toJsonItem(item)));
      expect(Buffer.from(back.b!.B!).equals(Buffer.from([0, 255]))).to.equal(true);
      expect(itemToJson(item)).to.equal(JSON.stringify(toJsonItem(item)));
      const plain = { s: { S: "x" }, m: { M: { l: { L: [{ N: "1" }, { SS: ["a"] }] } } } };
      expect(itemToJson(plain)).to.equal(JSON.stringify(toJsonItem(plain)));
      expect(() => fromJsonItem({ a: { S: 1 } })).to.throw(/S must be a string/);
      expect(() => fromJsonItem({ a: { N: "1e" } })).to.throw(/N must be/);
      expect(() => fromJsonItem({ a: { S: "x", N: "1" } })).to.throw(/exactly one/);
      expect(() => fromJsonItem({ a: { SS: ["x", "x"] } })).to.throw(/duplicates/);
    });
  });

  describe("schemas", function () {
    const DRAFT_04_KEYWORDS = new Set([
      "$schema", "id", "$ref", "title", "description", "default", "type", "enum", "format",
      "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
      "items", "additionalItems", "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties", "required",
      "properties", "patternProperties", "additionalProperties", "dependencies", "allOf", "anyOf", "oneOf", "not", "definitions",
    ]);
    const schemas = { StudentCreateSchema, StudentUpdateSchema, TodoCreateSchema, TodoUpdateSchema, ItemSchema, ItemsSchema, BackupRequestSchema, RestoreRequestSchema };

    function keywords(schema: unknown, out: Set<string>): Set<string> {
      if (typeof schema !== "object" || schema === null) return out;
      for (const [k, v] of Object.entries(schema)) {
        out.add(k);
        if (k === "properties" || k === "definitions" || k === "patternProperties") for (const sub of Object.values(v as object)) keywords(sub, out);
        else if (k === "items" || k === "not" || k === "additionalProperties") keywords(v, out);
        else if (Array.isArray(v) && ["allOf", "anyOf", "oneOf"].includes(k)) v.forEach((s) => keywords(s, out));
      }
      return out;
    }

    for (const [name, schema] of Object.entries(schemas)) {
      it(`${name} declares draft-04 and uses only draft-04 keywords`, function () {
        expect(schema.$schema).to.equal("http://json-schema.org/draft-04/schema#");
        const unknown = [...keywords(schema, new Set())].filter((k) => !DRAFT_04_KEYWORDS.has(k));
        expect(unknown).to.deep.equal([]);
        expect(schemaErrors(schema, JSON.parse(JSON.stringify(schema)) as unknown)).to.be.an("array");
      });
    }
  });

  describe("walls", function () {
    function files(dir: string): string[] {
      return readdirSync(dir).flatMap((f) => {
        const p = path.join(dir, f);
        return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
      });
    }

    it("functions/ imports only functions/, node: built-ins, the AWS SDK and ajv", function () {
      const allowed = /^(\.{1,2}\/|node:|@aws-sdk\/|ajv|ajv-draft-04|ajv-formats|aws-lambda)/;
      for (const file of files(FUNCTIONS)) {
        const source = readFileSync(file, "utf8");
        for (const match of source.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
          const spec = match[1]!;
          expect(allowed.test(spec), `${path.relative(FUNCTIONS, file)} imports ${spec}`).to.equal(true);
          if (spec.startsWith(".")) {
            const target = path.resolve(path.dirname(file), spec);
            expect(target.startsWith(FUNCTIONS + path.sep), `${path.relative(FUNCTIONS, file)} reaches outside functions/ with ${spec}`).to.equal(true);
          }
        }
      }
    });

    it("every function folder has an index.ts exporting handler", function () {
      const folders = readdirSync(FUNCTIONS).filter((f) => f !== "lib" && statSync(path.join(FUNCTIONS, f)).isDirectory());
      expect(folders.length).to.be.at.least(11);
      for (const folder of folders) {
        expect(readFileSync(path.join(FUNCTIONS, folder, "index.ts"), "utf8"), folder).to.match(/export (const|async function) handler\b/);
      }
    });
  });
});
