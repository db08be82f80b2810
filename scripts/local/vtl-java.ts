/**
 * The Java side of API Gateway's Velocity: how values print (a map as `{a=b, c=d}`, a list
 * as JSON, an undefined or null reference as nothing), how `==` compares them, and the
 * Java methods templates call (`$Integer.parseInt`, `.length()`, `.put`, `.keySet()`, ...).
 */

export const JAVA_INTEGER = Object.freeze({ MAX_VALUE: 2147483647, MIN_VALUE: -2147483648 });
export const JAVA_STRING = Object.freeze({});

/** The value as text for a Java String argument: nothing for null, JSON for maps and lists. */
export function javaString(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A value as API Gateway prints it: a JSON array as JSON (its elements too), a JSON object as
 * a Java map (`{foo=bar, n=1}`, its values printed the same way), null and undefined as
 * nothing (recorded: `{"body": $result}` with `$result` missing prints `{"body": }`).
 */
export function javaPrint(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return JSON.stringify(value);
  if (isMap(value)) return `{${Object.entries(value).map(([k, v]) => `${k}=${v === null ? "null" : javaPrint(v)}`).join(", ")}}`;
  return String(value);
}

/**
 * `==` as API Gateway evaluates it: null and a missing value equal each other and the empty
 * string (recorded: a missing `$input.path` is both `== $null` and `== ""`); an empty list is
 * neither; numbers compare as numbers, other values by their text.
 */
export function javaEquals(a: unknown, b: unknown): boolean {
  const nullish = (v: unknown) => v === null || v === undefined;
  if (nullish(a) || nullish(b)) return (nullish(a) || a === "") && (nullish(b) || b === "");
  if (typeof a === "number" && typeof b === "number") return a === b;
  if (typeof a === "object" || typeof b === "object") return a === b || JSON.stringify(a) === JSON.stringify(b);
  return String(a) === String(b);
}

function parseJavaInt(value: unknown): number {
  const s = javaString(value).trim();
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`java.lang.NumberFormatException: For input string: "${s}"`);
  return Number.parseInt(s, 10);
}

function parseJavaDouble(value: unknown): number {
  const n = Number(javaString(value).trim());
  if (Number.isNaN(n)) throw new Error(`java.lang.NumberFormatException: For input string: "${javaString(value)}"`);
  return n;
}

interface Payload {
  property: string;
  context: unknown;
  params: unknown[];
}
const handler = (uid: string, match: (p: Payload) => boolean, resolve: (p: Payload) => unknown) => ({ uid, match, resolve });
const isStr = (v: unknown): v is string => typeof v === "string";
const sized = (v: unknown): v is string | unknown[] => isStr(v) || Array.isArray(v);

/** Java-style method calls that velocityjs does not know. */
export const javaMethods = [
  handler("parseInt", (p) => p.property === "parseInt" || (p.property === "valueOf" && p.context === JAVA_INTEGER), (p) => parseJavaInt(p.params[0])),
  handler("parseLong", (p) => p.property === "parseLong", (p) => parseJavaInt(p.params[0])),
  handler("parseDouble", (p) => p.property === "parseDouble" || p.property === "parseFloat", (p) => parseJavaDouble(p.params[0])),
  handler("parseBoolean", (p) => p.property === "parseBoolean", (p) => javaString(p.params[0]).toLowerCase() === "true"),
  handler("length", (p) => p.property === "length" && sized(p.context), (p) => (p.context as string).length),
  handler("size", (p) => p.property === "size" && (sized(p.context) || isMap(p.context)), (p) => (isMap(p.context) ? Object.keys(p.context).length : (p.context as string).length)),
  handler("isEmpty", (p) => p.property === "isEmpty" && (sized(p.context) || isMap(p.context)), (p) => (isMap(p.context) ? Object.keys(p.context).length === 0 : (p.context as string).length === 0)),
  handler("equals", (p) => p.property === "equals", (p) => javaString(p.context) === javaString(p.params[0])),
  handler("equalsIgnoreCase", (p) => p.property === "equalsIgnoreCase", (p) => javaString(p.context).toLowerCase() === javaString(p.params[0]).toLowerCase()),
  handler("contains", (p) => p.property === "contains" && isStr(p.context), (p) => (p.context as string).includes(javaString(p.params[0]))),
  handler("matches", (p) => p.property === "matches" && isStr(p.context), (p) => new RegExp(`^(?:${javaString(p.params[0])})$`, "s").test(p.context as string)),
  handler("replaceAll", (p) => p.property === "replaceAll" && isStr(p.context), (p) => (p.context as string).replace(new RegExp(javaString(p.params[0]), "g"), javaString(p.params[1]).replace(/\$(\d)/g, "$$$1"))),
  handler("toString", (p) => p.property === "toString", (p) => javaPrint(p.context)),
  handler("containsKey", (p) => p.property === "containsKey", (p) => isMap(p.context) && Object.prototype.hasOwnProperty.call(p.context, javaString(p.params[0]))),
  handler("keySet", (p) => p.property === "keySet" && isMap(p.context), (p) => Object.keys(p.context as object)),
  handler("get", (p) => p.property === "get" && (isMap(p.context) || Array.isArray(p.context)), (p) => (p.context as Record<string, unknown>)[javaString(p.params[0])]),
  // Map.put returns the previous value, which prints as nothing when there was none.
  handler(
    "put",
    (p) => p.property === "put" && isMap(p.context),
    (p) => {
      const map = p.context as Record<string, unknown>;
      const key = javaString(p.params[0]);
      const previous = map[key];
      map[key] = p.params[1];
      return previous;
    },
  ),
  handler("valueOf", (p) => p.property === "valueOf" && p.context === JAVA_STRING, (p) => javaString(p.params[0])),
];
