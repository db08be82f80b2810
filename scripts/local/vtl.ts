/**
 * API Gateway mapping templates (VTL) rendered with velocityjs, with the variables API
 * Gateway supplies (`$input`, `$util`, `$context`, `$stageVariables`) and the Java-style
 * calls real templates make (`$Integer.parseInt`, `$str.length()`, `.equals`, ...).
 */
import velocity from "velocityjs";
import { JAVA_INTEGER, JAVA_STRING, javaEquals, javaMethods, javaPrint, javaString } from "./vtl-java";


/** A small JSONPath subset: `$`, `$.a.b`, `$['a']`, `$.a[0]`, `$.a[*].b`, `$..` not supported. */
export function jsonPath(root: unknown, path: string): unknown {
  const p = path.trim();
  if (p === "$" || p === "") return root;
  if (!p.startsWith("$")) return jsonPath(root, `$.${p}`);
  const tokens: (string | number | "*")[] = [];
  const re = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]|\[\*\]|\.\*/g;
  let m: RegExpExecArray | null;
  let last = 1;
  while ((m = re.exec(p)) !== null) {
    if (m.index !== last) break;
    last = re.lastIndex;
    if (m[1] !== undefined) tokens.push(m[1]);
    else if (m[2] !== undefined) tokens.push(Number(m[2]));
    else if (m[3] !== undefined) tokens.push(m[3]);
    else if (m[4] !== undefined) tokens.push(m[4]);
    else tokens.push("*");
  }
  let current: unknown[] = [root];
  let multi = false;
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || v === undefined) continue;
      if (t === "*") {
        multi = true;
        if (Array.isArray(v)) next.push(...v);
        else if (typeof v === "object") next.push(...Object.values(v as object));
      } else if (typeof v === "object" && Object.hasOwn(v, t)) {
        // Own members only: `$.constructor` of `{}` is a missing field, not Object's constructor.
        const x = (v as Record<string | number, unknown>)[t];
        if (x !== undefined) next.push(x);
      }
    }
    current = next;
  }
  return multi ? current : current[0];
}

export const util = {
  escapeJavaScript: (s: unknown) =>
    javaString(s)
      .replace(/\\/g, "\\\\")
      .replace(/"/g, '\\"')
      .replace(/'/g, "\\'")
      .replace(/\n/g, "\\n")
      .replace(/\r/g, "\\r")
      .replace(/\t/g, "\\t")
      .replace(/\f/g, "\\f")
      .replace(/[\b]/g, "\\b"),
  parseJson: (s: unknown) => JSON.parse(javaString(s)),
  // java.net.URLEncoder: letters, digits and .-*_ stay; a space is +.
  urlEncode: (s: unknown) => encodeURIComponent(javaString(s)).replace(/%20/g, "+").replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  urlDecode: (s: unknown) => decodeURIComponent(javaString(s).replace(/\+/g, " ")),
  base64Encode: (s: unknown) => Buffer.from(javaString(s), "utf8").toString("base64"),
  base64Decode: (s: unknown) => Buffer.from(javaString(s), "base64").toString("utf8"),
};

export interface RequestParams {
  path: Record<string, string>;
  querystring: Record<string, string>;
  header: Record<string, string>;
}

/**
 * `$input` for a body and the method request's parameters. A class, so a request builds no
 * closures; the parsed body and the parameters are private fields templates cannot reach.
 */
class InputVariable {
  #parsed: unknown;
  #parsedOk = false;
  readonly #params: RequestParams;

  /** The payload as a string; an empty payload reads as `{}` (recorded: `$input.body` of no body prints `{}`). */
  readonly body: string;
  readonly #raw: string;

  constructor(raw: string, params: RequestParams) {
    this.#raw = raw;
    this.body = raw === "" ? "{}" : raw;
    this.#params = params;
  }

  #json(): unknown {
    if (!this.#parsedOk) {
      this.#parsedOk = true;
      try {
        this.#parsed = this.#raw.trim() === "" ? {} : JSON.parse(this.#raw);
      } catch {
        this.#parsed = undefined;
      }
    }
    return this.#parsed;
  }

  json(path?: string): string {
    const v = jsonPath(this.#json(), path ?? "$");
    return v === undefined ? "" : JSON.stringify(v);
  }

  /** The value at a JSONPath; undefined when there is none (it prints as nothing and equals `$null` and `""`). */
  path(path?: string): unknown {
    return jsonPath(this.#json(), path ?? "$");
  }

  params(name?: string): unknown {
    const params = this.#params;
    if (name === undefined) return params;
    const own = (map: Record<string, string>) => (Object.hasOwn(map, name) ? map[name] : undefined);
    const found = own(params.path) ?? own(params.querystring);
    if (found !== undefined) return found;
    const lower = name.toLowerCase();
    for (const [k, v] of Object.entries(params.header)) if (k.toLowerCase() === lower) return v;
    return "";
  }
}

/** `$input` for a body and the method request's parameters. */
export function inputVariable(body: string, params: RequestParams): InputVariable {
  return new InputVariable(body, params);
}

interface AstNode {
  type: string;
  id?: string;
  path?: unknown[];
  expression?: AstNode[];
  equal?: [AstNode, AstNode];
}

interface CompileInternals {
  setValue(ast: AstNode): void;
  getReferences(ast: AstNode, isVal?: boolean): unknown;
  getExpression(ast: AstNode): unknown;
}

const base = velocity.Compile.prototype as unknown as CompileInternals;
/** Parsed double-quoted string literals by text (bounded: `$util` strings are static, but an eval'd one need not be). */
const stringLiterals = new Map<string, ReturnType<typeof velocity.parse>>();

/** True when Java would compute a Double: a decimal literal, or a variable already holding one. */
function isDoubleExpression(node: AstNode | undefined, doubles: ReadonlySet<string>): boolean {
  if (!node) return false;
  if (node.type === "decimal") return true;
  if (node.type === "references") return !node.path && node.id !== undefined && doubles.has(node.id);
  if (node.type === "math") return (node.expression ?? []).some((n) => isDoubleExpression(n, doubles));
  return false;
}

/**
 * velocityjs with API Gateway's printing and comparisons: a variable set from Double
 * arithmetic prints as `3.0`, not `3` (`#set($price = $ID * 1.5)` for ID 2); maps, lists and
 * undefined references print as `javaPrint` says; `==` and `!=` compare as `javaEquals`.
 */
class ApiGatewayCompile extends velocity.Compile {
  private readonly doubles = new Set<string>();
  /** True while `render` runs: a template rendered again meanwhile gets its own instance. */
  busy = false;

  /** What one render leaves behind (`#set` doubles, `#foreach` locals, `#define`s, `#stop`), cleared before the next. */
  reset(): void {
    const state = this as unknown as { local: object; conditions: string[]; defines: object; macrosStore: object; contextId: string; runState: { stop: boolean; break: boolean } };
    state.local = {};
    state.conditions = [];
    state.defines = {};
    state.macrosStore = {};
    state.contextId = "";
    state.runState = { stop: false, break: false };
    this.doubles.clear();
  }

  protected setValue(set: Parameters<CompileInternals["setValue"]>[0] & object): void {
    const ast = set as unknown as AstNode;
    base.setValue.call(this, ast);
    const [ref, value] = ast.equal ?? [];
    if (!ref || ref.path || ref.id === undefined) return;
    if (isDoubleExpression(value, this.doubles)) this.doubles.add(ref.id);
    else this.doubles.delete(ref.id);
  }

  protected getReferences(node: object, isVal?: boolean): string {
    const ast = node as AstNode;
    // Resolved as a value first: velocityjs would print an undefined reference as its own text.
    const value = base.getReferences.call(this, ast, false);
    if (!isVal) return value as string;
    if (!ast.path && ast.id !== undefined && this.doubles.has(ast.id) && typeof value === "number" && Number.isInteger(value)) return value.toFixed(1);
    return javaPrint(value);
  }

  /** A double-quoted string literal with references (`"foo$ID"`), parsed once rather than at every render. */
  protected evalStr(text: string): string {
    let ast = stringLiterals.get(text);
    if (!ast) {
      if (stringLiterals.size >= 1000) stringLiterals.clear();
      ast = velocity.parse(text);
      stringLiterals.set(text, ast);
    }
    return (this as unknown as { renderAstList(asts: unknown, contextId: string): string }).renderAstList(ast, (this as unknown as { contextId: string }).contextId);
  }

  protected getExpression(node: object): string {
    const ast = node as AstNode & { operator?: string };
    if (ast.type === "math" && (ast.operator === "==" || ast.operator === "!=")) {
      const [left, right] = ast.expression!;
      const equal = javaEquals(this.getExpression(left!), this.getExpression(right!));
      return (ast.operator === "==" ? equal : !equal) as unknown as string;
    }
    return base.getExpression.call(this, ast) as string;
  }
}

/** True when a template has neither references nor directives: Velocity prints it as it is. */
export function isStaticTemplate(template: string): boolean {
  return !template.includes("$") && !template.includes("#");
}

/** What templates set in `$context.requestOverride` and `$context.responseOverride`. */
export interface Overrides {
  readonly requestOverride: { header: Record<string, unknown>; querystring: Record<string, unknown>; path: Record<string, unknown> };
  readonly responseOverride: { header: Record<string, unknown>; status?: unknown; [key: string]: unknown };
}

/**
 * The override maps of a request's `$context`, created on first use. They are not
 * enumerable: they live through the request and response templates of one request but do
 * not appear where `$context` is copied (the proxy event, access logs).
 */
export function overridesOf(context: object): Overrides {
  const c = context as Partial<Overrides>;
  if (!c.requestOverride) Object.defineProperty(context, "requestOverride", { value: { header: {}, querystring: {}, path: {} }, enumerable: false, writable: true });
  if (!c.responseOverride) Object.defineProperty(context, "responseOverride", { value: { header: {} }, enumerable: false, writable: true });
  return context as Overrides;
}

const COMPILE_CONFIG = { escape: false, customMethodHandlers: javaMethods };
/** Each template parsed once, its compiler reused from render to render (rendering is synchronous). */
const compiled = new Map<string, ApiGatewayCompile>();

/** The override maps a template created, if any (none when no template mentioned them). */
export function existingOverrides(context: object): Partial<Overrides> {
  return context as Partial<Overrides>;
}

/** Templates that name `$context.requestOverride` or `.responseOverride` (only they get the maps). */
const mentionsOverrides = (template: string) => template.includes("Override");

/** Renders a mapping template. Throws on a template error (API Gateway answers 500). */
export function renderTemplate(template: string, variables: Record<string, unknown>): string {
  if (isStaticTemplate(template)) return template;
  if (variables.context && typeof variables.context === "object" && mentionsOverrides(template)) overridesOf(variables.context);
  const context: Record<string, unknown> = { Integer: JAVA_INTEGER, Long: JAVA_INTEGER, Double: {}, Boolean: {}, String: JAVA_STRING, Math, ...variables };
  let compile = compiled.get(template);
  if (!compile || compile.busy) {
    compile = new ApiGatewayCompile(velocity.parse(template), COMPILE_CONFIG);
    if (!compiled.has(template)) compiled.set(template, compile);
  } else compile.reset();
  compile.busy = true;
  try {
    return compile.render(context);
  } finally {
    compile.busy = false;
  }
}
