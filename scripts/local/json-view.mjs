// JSON's view of a value: what `JSON.parse(JSON.stringify(value))` gives, built directly as a
// copy when the value is plain data (objects whose prototype is Object.prototype or none, arrays,
// strings, numbers, booleans, null), by JSON's rules: a key whose value is undefined, a function
// or a symbol is left out, in an array it is null; NaN and the infinities are null, -0 is 0; an
// array's holes are null and its other properties left out. A Lambda result copied so can go to
// the gateway as a structured clone, not as JSON text the gateway would parse again.
// Plain JavaScript: it runs in the function workers, beside lambda-runtime.mjs.

/** Returned when the view cannot be had this way (a toJSON method, a Date, a Map, a class instance, a BigInt, a cycle, 64 levels): send JSON text. */
export const NOT_PLAIN = Symbol("not plain data");

const MAX_DEPTH = 64;

function leftOut(v) {
  const t = typeof v;
  return t === "undefined" || t === "function" || t === "symbol";
}

function copy(v, depth) {
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) ? v + 0 : null;
    case "object":
      break;
    default:
      return NOT_PLAIN;
  }
  if (v === null) return null;
  if (depth >= MAX_DEPTH || typeof v.toJSON === "function") return NOT_PLAIN;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return NOT_PLAIN;
    const n = v.length;
    // Filled by push, so the array has no holes (a structured clone sends a holey one as sparse, slower).
    const out = [];
    for (let i = 0; i < n; i += 1) {
      const item = v[i];
      if (leftOut(item)) {
        out.push(null);
        continue;
      }
      const c = copy(item, depth + 1);
      if (c === NOT_PLAIN) return NOT_PLAIN;
      out.push(c);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const out = {};
  for (const key of Object.keys(v)) {
    const item = v[key];
    if (leftOut(item)) continue;
    const c = copy(item, depth + 1);
    if (c === NOT_PLAIN) return NOT_PLAIN;
    // A `__proto__` key is a key like any other, as JSON.parse makes it.
    if (key === "__proto__") Object.defineProperty(out, key, { value: c, enumerable: true, writable: true, configurable: true });
    else out[key] = c;
  }
  return out;
}

/** JSON's view of a handler's result (undefined is null, as the runtime sends it), or NOT_PLAIN. */
export function jsonView(value) {
  if (value === undefined) return null;
  return copy(value, 0);
}
