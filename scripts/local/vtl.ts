/**
 * API Gateway mapping templates (VTL) rendered with velocityjs, with the variables API
 * Gateway supplies (`$input`, `$util`, `$context`, `$stageVariables`) and the Java-style
 * calls real templates make (`$Integer.parseInt`, `$str.length()`, `.equals`, ...).
 */
import velocity from "velocityjs";

type Ast = ReturnType<typeof velocity.parse>;
const compiled = new Map<string, Ast>();

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
      } else if (typeof v === "object") {
        const x = (v as Record<string | number, unknown>)[t];
        if (x !== undefined) next.push(x);
      }
    }
    current = next;
  }
  return multi ? current : current[0];
}

function javaString(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
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
  urlEncode: (s: unknown) => encodeURIComponent(javaString(s)).replace(/%20/g, "+").replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
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

  constructor(
    readonly body: string,
    params: RequestParams,
  ) {
    this.#params = params;
  }

  #json(): unknown {
    if (!this.#parsedOk) {
      this.#parsedOk = true;
      try {
        this.#parsed = this.body.trim() === "" ? {} : JSON.parse(this.body);
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

  path(path?: string): unknown {
    const v = jsonPath(this.#json(), path ?? "$");
    return v === undefined ? "" : v;
  }

  params(name?: string): unknown {
    const params = this.#params;
    if (name === undefined) return params;
    const found = params.path[name] ?? params.querystring[name];
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

type Payload = { property: string; context: unknown; params: unknown[] };
const handler = (uid: string, match: (p: Payload) => boolean, resolve: (p: Payload) => unknown) => ({ uid, match, resolve });
const isStr = (v: unknown): v is string => typeof v === "string";

/** Java-style method calls that velocityjs does not know. */
const javaMethods = [
  handler("parseInt", (p) => p.property === "parseInt" || (p.property === "valueOf" && p.context === JAVA_INTEGER), (p) => parseJavaInt(p.params[0])),
  handler("parseLong", (p) => p.property === "parseLong", (p) => parseJavaInt(p.params[0])),
  handler("parseDouble", (p) => p.property === "parseDouble" || p.property === "parseFloat", (p) => parseJavaDouble(p.params[0])),
  handler("parseBoolean", (p) => p.property === "parseBoolean", (p) => javaString(p.params[0]).toLowerCase() === "true"),
  handler("length", (p) => p.property === "length" && (isStr(p.context) || Array.isArray(p.context)), (p) => (p.context as string).length),
  handler("isEmpty", (p) => p.property === "isEmpty" && (isStr(p.context) || Array.isArray(p.context)), (p) => (p.context as string).length === 0),
  handler("equals", (p) => p.property === "equals", (p) => javaString(p.context) === javaString(p.params[0])),
  handler("equalsIgnoreCase", (p) => p.property === "equalsIgnoreCase", (p) => javaString(p.context).toLowerCase() === javaString(p.params[0]).toLowerCase()),
  handler("contains", (p) => p.property === "contains" && isStr(p.context), (p) => (p.context as string).includes(javaString(p.params[0]))),
  handler("matches", (p) => p.property === "matches" && isStr(p.context), (p) => new RegExp(`^(?:${javaString(p.params[0])})$`, "s").test(p.context as string)),
  handler("replaceAll", (p) => p.property === "replaceAll" && isStr(p.context), (p) => (p.context as string).replace(new RegExp(javaString(p.params[0]), "g"), javaString(p.params[1]).replace(/\$(\d)/g, "$$$1"))),
  handler("toString", (p) => p.property === "toString" && (typeof p.context !== "object" || p.context === null), (p) => javaString(p.context)),
  handler("containsKey", (p) => p.property === "containsKey", (p) => typeof p.context === "object" && p.context !== null && javaString(p.params[0]) in (p.context as object)),
  handler("valueOf", (p) => p.property === "valueOf" && p.context === JAVA_STRING, (p) => javaString(p.params[0])),
];

const JAVA_INTEGER = Object.freeze({ MAX_VALUE: 2147483647, MIN_VALUE: -2147483648 });
const JAVA_STRING = Object.freeze({});

function parseTemplate(template: string): Ast {
  let ast = compiled.get(template);
  if (!ast) {
    ast = velocity.parse(template);
    compiled.set(template, ast);
  }
  return ast;
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
}

/** True when Java would compute a Double: a decimal literal, or a variable already holding one. */
function isDoubleExpression(node: AstNode | undefined, doubles: ReadonlySet<string>): boolean {
  if (!node) return false;
  if (node.type === "decimal") return true;
  if (node.type === "references") return !node.path && node.id !== undefined && doubles.has(node.id);
  if (node.type === "math") return (node.expression ?? []).some((n) => isDoubleExpression(n, doubles));
  return false;
}

/**
 * velocityjs with Java's number printing: a variable set from Double arithmetic prints as
 * `3.0`, not `3`, as API Gateway's Velocity prints `#set($price = $ID * 1.5)` for ID 2.
 */
class ApiGatewayCompile extends velocity.Compile {
  private readonly doubles = new Set<string>();

  protected setValue(set: Parameters<CompileInternals["setValue"]>[0] & object): void {
    const ast = set as unknown as AstNode;
    (velocity.Compile.prototype as unknown as CompileInternals).setValue.call(this, ast);
    const [ref, value] = ast.equal ?? [];
    if (!ref || ref.path || ref.id === undefined) return;
    if (isDoubleExpression(value, this.doubles)) this.doubles.add(ref.id);
    else this.doubles.delete(ref.id);
  }

  protected getReferences(node: object, isVal?: boolean): string {
    const ast = node as AstNode;
    const value = (velocity.Compile.prototype as unknown as CompileInternals).getReferences.call(this, ast, isVal);
    if (isVal && !ast.path && ast.id !== undefined && this.doubles.has(ast.id) && typeof value === "number" && Number.isInteger(value)) return value.toFixed(1);
    return value as string;
  }
}

/** True when a template has neither references nor directives: Velocity prints it as it is. */
export function isStaticTemplate(template: string): boolean {
  return !template.includes("$") && !template.includes("#");
}

/** Renders a mapping template. Throws on a template error (API Gateway answers 500). */
export function renderTemplate(template: string, variables: Record<string, unknown>): string {
  if (isStaticTemplate(template)) return template;
  const context: Record<string, unknown> = { Integer: JAVA_INTEGER, Long: JAVA_INTEGER, Double: {}, Boolean: {}, String: JAVA_STRING, Math, ...variables };
  const compile = new ApiGatewayCompile(parseTemplate(template), { escape: false, customMethodHandlers: javaMethods });
  return compile.render(context);
}
