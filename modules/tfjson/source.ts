/**
 * Where each resource stands in its cdk.tf.json: 1-based start and end lines of the
 * resource's block, for reports that point at the file (SARIF). The text is the file the
 * stack was read from, or, for a stack built from JSON in memory, the JSON as cdktf writes it
 * (two-space indentation).
 */
import { readFileSync } from "node:fs";
import { findNodeAtLocation, parseTree } from "jsonc-parser";
import type { TfStack } from "./stack";

export interface SourceRegion {
  readonly startLine: number;
  readonly endLine: number;
}

/** The stack's text: its file when it was read from one. */
export function stackText(stack: TfStack): string {
  return stack.file ? readFileSync(stack.file, "utf8") : `${JSON.stringify(stack.json, null, 2)}\n`;
}

const regions = new WeakMap<TfStack, Map<string, SourceRegion>>();

/** The region of every resource and data source, by address. */
export function resourceRegions(stack: TfStack, text: string = stackText(stack)): Map<string, SourceRegion> {
  const cached = regions.get(stack);
  if (cached) return cached;
  const starts = [0];
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const tree = parseTree(text);
  const out = new Map<string, SourceRegion>();
  if (tree) {
    for (const r of stack.all()) {
      const node = findNodeAtLocation(tree, [r.kind, r.type, r.name]);
      // the property node (`"name": {...}`) starts at the key; its value ends the block
      const prop = node?.parent;
      if (!node || !prop) continue;
      out.set(r.address, { startLine: lineOf(prop.offset), endLine: lineOf(node.offset + node.length) });
    }
  }
  regions.set(stack, out);
  return out;
}
