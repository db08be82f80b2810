/**
 * Terraform expressions inside JSON strings: `${aws_s3_bucket.b.arn}`, interpolations in
 * longer strings, `$${...}` escapes. Syntax only: what an expression refers to, never what
 * it evaluates to (that is the resolver's job).
 */

const SIMPLE_REF = /^\$\{((?:data\.)?[a-zA-Z0-9_]+\.[a-zA-Z0-9_-]+)(?:\.([a-zA-Z0-9_.[\]*"-]+))?\}$/;

/** A whole-string reference `${type.name.attr}` → its address and attribute path, else undefined. */
export function parseRef(value: unknown): { address: string; attribute: string | undefined } | undefined {
  if (typeof value !== "string") return undefined;
  const m = SIMPLE_REF.exec(value);
  if (!m) return undefined;
  return { address: m[1]!, attribute: m[2] };
}

/** Every `type.name` address referenced anywhere inside a string (`${aws_x.y.arn}:suffix`). */
export function referencedAddresses(value: unknown): string[] {
  if (typeof value !== "string") return [];
  const out: string[] = [];
  const re = /(?<!\$)\$\{[^}]*?((?:data\.)?aws_[a-zA-Z0-9_]+\.[a-zA-Z0-9_-]+)/g;
  for (const m of value.matchAll(re)) out.push(m[1]!);
  return out;
}

/** True when `value` references the resource at `address` (any attribute). */
export function refersTo(value: unknown, address: string): boolean {
  return referencedAddresses(value).includes(address);
}

/** True when the value is (or contains) a Terraform expression. */
export function isToken(value: unknown): boolean {
  return typeof value === "string" && /(?<!\$)\$\{/.test(value);
}

/** One piece of an interpolated string: literal text (escapes undone) or an expression. */
export type Segment = { readonly text: string } | { readonly expr: string };

/** Splits `a${x.y}b$${c}` into literal and expression segments; an unclosed `${` stays literal. */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      literal += "${";
      i += 3;
      continue;
    }
    if (text.startsWith("${", i)) {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        literal += text.slice(i);
        break;
      }
      if (literal) out.push({ text: literal });
      literal = "";
      out.push({ expr: text.slice(i + 2, end).trim() });
      i = end + 1;
      continue;
    }
    literal += text[i];
    i += 1;
  }
  if (literal) out.push({ text: literal });
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === "{") depth += 1;
    else if (ch === "}") {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  return -1;
}

/** A traversal `a.b[0].c["d"]` → `["a", "b", "0", "c", "d"]`; empty when the expression is not a plain traversal. */
export function traversal(expr: string): string[] {
  if (!/^[A-Za-z0-9_.\-[\]"*]+$/.test(expr)) return [];
  return expr
    .replace(/\[(\d+|"[^"]*")\]/g, (_m, k: string) => `.${k.replace(/"/g, "")}`)
    .split(".")
    .filter((p) => p.length > 0);
}
