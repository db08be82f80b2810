/**
 * Resource matching as API Gateway does it: at each level a literal path part wins over a
 * `{param}`, which wins over a greedy `{proxy+}`; the method is the exact one, else `ANY`.
 */
import type { MethodModel, ResourceNode } from "./model/types";

export interface RouteMatch {
  readonly resource: ResourceNode;
  readonly pathParameters: Record<string, string>;
  /** Undefined when the resource exists but has neither the method nor ANY. */
  readonly method?: MethodModel;
}

function isGreedy(part: string): boolean {
  return /^\{[^}]+\+\}$/.test(part);
}

function isParam(part: string): boolean {
  return /^\{[^}]+\}$/.test(part) && !isGreedy(part);
}

function paramName(part: string): string {
  return part.slice(1, part.endsWith("+}") ? -2 : -1);
}

/** Percent-decoded, except `%2B`, which API Gateway leaves as sent (recorded: `test%2Balias@gmail.com`). */
function safeDecode(s: string): string {
  if (!s.includes("%")) return s;
  return s
    .split(/%2B/i)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    })
    .join("%2B");
}

function hasMethod(match: RouteMatch, httpMethod: string): boolean {
  return match.resource.methods.has(httpMethod) || match.resource.methods.has("ANY");
}

interface ChildIndex {
  /** By path part, as sent (a `{param}` child too, when the segment is literally `{param}`). */
  readonly literal: Map<string, ResourceNode[]>;
  readonly params: readonly ResourceNode[];
  readonly greedy?: ResourceNode;
}

/** Each node's children by kind, computed on first use (the tree does not change once built). */
const childIndexes = new WeakMap<ResourceNode, ChildIndex>();

function childIndex(node: ResourceNode): ChildIndex {
  let index = childIndexes.get(node);
  if (!index) {
    const literal = new Map<string, ResourceNode[]>();
    for (const c of node.children) literal.set(c.pathPart, [...(literal.get(c.pathPart) ?? []), c]);
    index = { literal, params: node.children.filter((c) => isParam(c.pathPart)), greedy: node.children.find((c) => isGreedy(c.pathPart)) };
    childIndexes.set(node, index);
  }
  return index;
}

interface Segments {
  readonly parts: readonly string[];
  /** Where each part starts in the path. */
  readonly offsets: readonly number[];
  readonly path: string;
}

function matchNode(node: ResourceNode, segments: Segments, index: number, params: Record<string, string>, httpMethod: string): RouteMatch | undefined {
  if (index === segments.parts.length) return { resource: node, pathParameters: params };
  const segment = segments.parts[index]!;
  const children = childIndex(node);
  let fallback: RouteMatch | undefined;
  for (const list of [children.literal.get(segment), children.params]) {
    if (!list) continue;
    for (const child of list) {
      const next = list === children.params ? { ...params, [paramName(child.pathPart)]: safeDecode(segment) } : params;
      const found = matchNode(child, segments, index + 1, next, httpMethod);
      if (found && hasMethod(found, httpMethod)) return found;
      fallback ??= found;
    }
  }
  const greedy = children.greedy;
  if (greedy) {
    // The rest of the path as sent, inner double slashes kept, a trailing slash not (recorded).
    const rest = segments.path.slice(segments.offsets[index]).replace(/\/+$/, "");
    const match = { resource: greedy, pathParameters: { ...params, [paramName(greedy.pathPart)]: safeDecode(rest) } };
    if (hasMethod(match, httpMethod) || !fallback) return match;
  }
  return fallback;
}

/**
 * Matches by tree, method and path, remembered: the tree does not change once built (a reload
 * brings a new one), and the same request line matches the same way. Bounded, as paths are not.
 */
const matches = new WeakMap<ResourceNode, Map<string, RouteMatch | null>>();
const MAX_REMEMBERED = 10_000;

/** Finds the resource and method for a path relative to the stage (`/items/1`); the path parameters are the caller's own copy. */
export function route(root: ResourceNode, path: string, httpMethod: string): RouteMatch | undefined {
  let byLine = matches.get(root);
  if (!byLine) matches.set(root, (byLine = new Map()));
  const key = `${httpMethod} ${path}`;
  let found = byLine.get(key);
  if (found === undefined) {
    found = matchRoute(root, path, httpMethod) ?? null;
    if (byLine.size >= MAX_REMEMBERED) byLine.clear();
    byLine.set(key, found);
  }
  // A template may change `$input.params().path`: each request gets its own map.
  return found === null ? undefined : { ...found, pathParameters: { ...found.pathParameters } };
}

function matchRoute(root: ResourceNode, path: string, httpMethod: string): RouteMatch | undefined {
  const parts: string[] = [];
  const offsets: number[] = [];
  for (let start = 0; start < path.length; ) {
    const slash = path.indexOf("/", start);
    const end = slash < 0 ? path.length : slash;
    if (end > start) {
      parts.push(path.slice(start, end));
      offsets.push(start);
    }
    start = end + 1;
  }
  const found = matchNode(root, { parts, offsets, path }, 0, {}, httpMethod);
  if (!found) return undefined;
  const method = found.resource.methods.get(httpMethod) ?? found.resource.methods.get("ANY");
  return { ...found, method };
}
