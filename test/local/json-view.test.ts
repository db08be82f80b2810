/**
 * JSON's view of a Lambda result, copied in the worker (json-view.mjs) so that a proxy answer
 * can go to the gateway as a structured clone: for plain data it is exactly what
 * `JSON.parse(JSON.stringify(value))` gives, and anything JSON would treat otherwise is
 * refused (then the worker sends JSON text, as before).
 */
import { expect } from "chai";
import { jsonView, NOT_PLAIN } from "../../scripts/local/json-view.mjs";

const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v) ?? "null");

describe("JSON's view of a result (json-view.mjs)", function () {
  const plain: Record<string, unknown> = {
    "a proxy answer": { statusCode: 200, headers: { "content-type": "application/json" }, multiValueHeaders: { "set-cookie": ["a=1", "b=2"] }, body: '{"x":"\\u0000\\"é\\ud800"}', isBase64Encoded: false },
    "undefined, functions and symbols (keys left out, null in arrays)": { a: undefined, b: () => 1, c: Symbol("s"), d: [undefined, () => 1, Symbol("t"), 1] },
    "NaN, the infinities and -0": { n: NaN, i: Infinity, j: -Infinity, z: -0, list: [NaN, -0] },
    "an array's holes and other properties": (() => {
      const a: unknown[] = [1, , 3]; // eslint-disable-line no-sparse-arrays
      (a as unknown as Record<string, unknown>).extra = "left out";
      return { a };
    })(),
    "integer-like keys (in JSON's order)": { b: 1, 2: "two", a: 2, 1: "one" },
    "a __proto__ key (as a key)": JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as unknown,
    "null-prototype objects": Object.assign(Object.create(null) as object, { k: "v" }),
    "a toJSON key that is not a function": { toJSON: "x" },
    "top-level scalars": "text",
    "nesting 60 levels deep": JSON.parse("[".repeat(60) + "]".repeat(60)) as unknown,
  };
  for (const [what, value] of Object.entries(plain)) {
    it(`copies ${what} as JSON would`, function () {
      const view = jsonView(value);
      expect(view).not.to.equal(NOT_PLAIN);
      // What the gateway receives (a structured clone of the view) is what it would parse from the JSON text.
      expect(structuredClone(view)).to.deep.equal(viaJson(value));
      expect(JSON.stringify(view)).to.equal(JSON.stringify(value));
      expect(Object.keys(view as object)).to.deep.equal(Object.keys(viaJson(value) as object));
    });
  }

  it("gives null for undefined, as the runtime sends it", function () {
    expect(jsonView(undefined)).to.equal(null);
  });

  class Answer {
    statusCode = 200;
  }
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  const refused: Record<string, unknown> = {
    "a Date": { when: new Date(0) },
    "a toJSON method": { body: { toJSON: () => "x" } },
    "a Map": { m: new Map([["a", 1]]) },
    "a class instance": new Answer(),
    "a Buffer": { b: Buffer.from("hi") },
    "a BigInt": { n: 1n },
    "a boxed string": { s: new String("x") },
    "a cycle": cycle,
    "nesting past 64 levels": JSON.parse("[".repeat(70) + "]".repeat(70)) as unknown,
    "a function at the top": () => 1,
  };
  for (const [what, value] of Object.entries(refused)) {
    it(`refuses ${what} (the worker sends JSON text instead)`, function () {
      expect(jsonView(value)).to.equal(NOT_PLAIN);
    });
  }
});
