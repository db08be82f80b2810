/**
 * fast-check building blocks for handler properties: random proxy events (methods, content
 * types, headers, path and query parameters, bodies from near-valid to garbage to
 * oversized) and one check run over many events: every response is a well-formed proxy
 * response below 500, and a response of 400 or more wrote nothing to DynamoDB or S3
 * (counted at the local back ends themselves).
 */
import fc from "fast-check";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { backends } from "./backends.js";
import { parseResponse, proxyEvent } from "./events.js";

export const HUGE = "x".repeat(70 * 1024);

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/problem+json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "image/png",
  "image/jpeg",
  "",
];

/** A body: mostly derived from `valid` (as is, mutated, polluted), else random or huge. */
export function bodyArb(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<{ body: string | null; isBase64Encoded: boolean }> {
  const mutated = fc.tuple(valid, fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })).map(([v, k, x]) => ({ ...v, [k]: x }));
  const dropped = fc.tuple(valid, fc.nat()).map(([v, n]) => {
    const keys = Object.keys(v);
    const copy = { ...v };
    if (keys.length > 0) delete copy[keys[n % keys.length]!];
    return copy;
  });
  const polluted = fc.tuple(valid, fc.constantFrom("__proto__", "constructor", "prototype")).map(
    ([v, k]) => `${JSON.stringify(v).slice(0, -1)}${Object.keys(v).length > 0 ? "," : ""}"nested":{"${k}":{"admin":true}}}`,
  );
  const text: fc.Arbitrary<string | null> = fc.oneof(
    { weight: 6, arbitrary: valid.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: mutated.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: dropped.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: polluted },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom(null, "", "{", "[]", "null", "{}", '{"a":1,}', "\u0000") },
    { weight: 1, arbitrary: valid.map((v) => JSON.stringify({ ...v, pad: HUGE })) },
  );
  return fc.tuple(text, fc.integer({ min: 0, max: 9 })).map(([body, n]) => {
    if (body !== null && n === 0) return { body: Buffer.from(body).toString("base64"), isBase64Encoded: true };
    if (body !== null && n === 1) return { body: `${body}%`, isBase64Encoded: true }; // broken base64
    return { body, isBase64Encoded: false };
  });
}

export function headersArb(extra: fc.Arbitrary<Record<string, string>> = fc.constant({})): fc.Arbitrary<Record<string, string>> {
  return fc
    .tuple(
      fc.oneof({ weight: 8, arbitrary: fc.constant("application/json") }, { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) }, { weight: 1, arbitrary: fc.constant(undefined) }),
      fc.constantFrom("https://app.example.com", "https://evil.example", undefined),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
      extra,
    )
    .map(([ct, origin, random, more]) => ({
      ...random,
      ...more,
      ...(ct === undefined ? {} : { [random.x ? "content-type" : "Content-Type"]: ct }),
      ...(origin === undefined ? {} : { Origin: origin }),
    }));
}

export interface RouteArbs {
  readonly methods: fc.Arbitrary<string>;
  readonly resource: string;
  readonly pathParameters?: fc.Arbitrary<Record<string, string> | null>;
  readonly query?: fc.Arbitrary<Record<string, string> | null>;
  readonly headers?: fc.Arbitrary<Record<string, string>>;
  readonly body: fc.Arbitrary<{ body: string | null; isBase64Encoded: boolean }>;
  readonly claims?: fc.Arbitrary<Record<string, string> | undefined>;
}

export function eventArb(route: RouteArbs): fc.Arbitrary<APIGatewayProxyEvent> {
  return fc
    .record({
      method: route.methods,
      pathParameters: route.pathParameters ?? fc.constant(null),
      query: route.query ?? fc.constant(null),
      headers: route.headers ?? headersArb(),
      body: route.body,
      claims: route.claims ?? fc.constant(undefined),
    })
    .map((r) =>
      proxyEvent({
        method: r.method,
        resource: route.resource,
        pathParameters: r.pathParameters,
        query: r.query,
        headers: r.headers,
        body: r.body.body,
        isBase64Encoded: r.body.isBase64Encoded,
        ...(r.claims === undefined ? {} : { claims: r.claims }),
      }),
    );
}

/** Status code → count over the run, for assertions that both paths were exercised. */
export type Histogram = Record<number, number>;

export const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 10000);

export async function checkHandler(
  handler: (event: APIGatewayProxyEvent) => Promise<unknown>,
  events: fc.Arbitrary<APIGatewayProxyEvent>,
  numRuns = NUM_RUNS,
): Promise<Histogram> {
  const { dynamodb, s3 } = await backends();
  const histogram: Histogram = {};
  await fc.assert(
    fc.asyncProperty(events, async (event) => {
      const writes = async () => (await dynamodb.stats()).writes + (await s3.stats()).writes;
      const before = await writes();
      const res = parseResponse(await handler(event));
      histogram[res.statusCode] = (histogram[res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 500 || res.statusCode < 200) {
        throw new Error(`status ${res.statusCode}: ${JSON.stringify(res.body)} for ${event.httpMethod} ${JSON.stringify(event.body?.slice(0, 200))}`);
      }
      if (res.statusCode >= 400) {
        if (typeof (res.body as { message?: unknown }).message !== "string") throw new Error("error response without a message");
        const after = await writes();
        if (after !== before) throw new Error(`status ${res.statusCode} but ${after - before} write(s) happened`);
      }
    }),
    { numRuns, endOnFailure: true },
  );
  return histogram;
}

export function count(histogram: Histogram, predicate: (status: number) => boolean): number {
  return Object.entries(histogram).reduce((n, [status, c]) => (predicate(Number(status)) ? n + c : n), 0);
}
