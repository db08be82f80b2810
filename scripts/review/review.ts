/**
 * From synthesized stacks (and optionally a base) to reports, OpenAPI documents and an
 * API diff. No synth and no git here: `main.ts` feeds it; tests call it directly.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluate, policyAppliedInJson, suppressionsFromJson, type PolicyResult } from "../../modules/policy";
import { asStack, type StackJson, type TfStack } from "../../modules/tfjson";
import { buildApiModels, type ApiModel } from "./api-model";
import { diffApis, renderDiff, type ApiDiff, type ApiDocument } from "./diff";
import { buildFunctionModels } from "./functions";
import { toOpenApi } from "./openapi";
import { renderReport } from "./report";
import { toSarif, type SarifStack } from "./sarif";
import type * as Sarif from "sarif";

export interface StackReview {
  readonly stack: string;
  readonly apis: readonly ApiModel[];
  readonly policy: PolicyResult;
  readonly markdown: string;
  /** `<api>.<stage>` → OpenAPI document */
  readonly openapi: ReadonlyMap<string, Record<string, unknown>>;
  readonly diff?: ApiDiff;
}

export interface ReviewResult {
  readonly stacks: readonly StackReview[];
  readonly diff?: ApiDiff;
  /** Markdown for the pull request comment: API diff first, then one line per stack, then the reports. */
  readonly summary: string;
  /** The policy findings of every stack as a SARIF 2.1.0 log. */
  readonly sarif: Sarif.Log;
}

export function allApiModels(stacks: ReadonlyMap<string, StackJson | TfStack>): ApiModel[] {
  return [...stacks].flatMap(([name, json]) => buildApiModels(name, json));
}

/** The OpenAPI document of every API on every stage: what the API diff compares. */
export function apiDocuments(apis: readonly ApiModel[]): ApiDocument[] {
  return apis.flatMap((api) => api.stages.map((s) => ({ api: `${api.stack}/${api.name}`, stage: s.name, doc: toOpenApi(api, s.name) })));
}

const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_");

export function review(head: ReadonlyMap<string, StackJson | TfStack>, base?: { ref: string; stacks: ReadonlyMap<string, StackJson | TfStack> }): ReviewResult {
  const baseDocs = base ? apiDocuments(allApiModels(base.stacks)) : undefined;
  const headDocs: ApiDocument[] = [];
  const reviews: StackReview[] = [];
  const sarifStacks: SarifStack[] = [];
  for (const [stack, doc] of head) {
    const json = asStack(doc, stack);
    const apis = buildApiModels(stack, json);
    const policy = evaluate(json, suppressionsFromJson(json));
    const docs = apiDocuments(apis);
    headDocs.push(...docs);
    const diff = baseDocs ? diffApis(baseDocs.filter((d) => d.api.startsWith(`${stack}/`)), docs) : undefined;
    const openapi = new Map<string, Record<string, unknown>>();
    for (const d of docs) openapi.set(`${fileSafe(d.api.slice(stack.length + 1))}.${fileSafe(d.stage)}`, d.doc);
    const markdown = renderReport({
      stack,
      apis,
      functions: buildFunctionModels(json),
      policy,
      policyApplied: policyAppliedInJson(json),
      ...(diff && base ? { diff: renderDiff(diff, base.ref) } : {}),
    });
    reviews.push({ stack, apis, policy, markdown, openapi, ...(diff ? { diff } : {}) });
    sarifStacks.push({ name: stack, stack: json, policy });
  }
  const diff = baseDocs && base ? diffApis(baseDocs, headDocs) : undefined;
  const lines = ["# Infrastructure review", ""];
  if (diff && base) lines.push(renderDiff(diff, base.ref), "");
  lines.push("| Stack | APIs | Routes | Errors | Warnings | Suppressed |", "|---|---|---|---|---|---|");
  for (const r of reviews) {
    const errors = r.policy.findings.filter((f) => f.severity === "error").length;
    lines.push(`| ${r.stack} | ${r.apis.length} | ${r.apis.reduce((n, a) => n + a.routes.length, 0)} | ${errors} | ${r.policy.findings.length - errors} | ${r.policy.suppressed.length} |`);
  }
  lines.push("");
  for (const r of reviews) lines.push(`<details><summary>${r.stack}</summary>`, "", r.markdown, "", "</details>", "");
  return { stacks: reviews, ...(diff ? { diff } : {}), summary: lines.join("\n"), sarif: toSarif(sarifStacks) };
}

/** Validates an OpenAPI document; returns the validator's errors (empty when valid). */
export async function validateOpenApi(doc: Record<string, unknown>): Promise<string[]> {
  const res = await new Validator().validate(doc);
  if (res.valid) return [];
  return typeof res.errors === "string" ? [res.errors] : (res.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`.trim());
}

/** Writes `<dir>/<stack>.md`, `<dir>/openapi/<stack>/<api>.<stage>.json`, `<dir>/summary.md`, `<dir>/policy.sarif`. */
export function writeReview(result: ReviewResult, dir: string): string[] {
  const written: string[] = [];
  mkdirSync(dir, { recursive: true });
  for (const r of result.stacks) {
    const md = join(dir, `${fileSafe(r.stack)}.md`);
    writeFileSync(md, r.markdown);
    written.push(md);
    for (const [name, doc] of r.openapi) {
      const d = join(dir, "openapi", fileSafe(r.stack));
      mkdirSync(d, { recursive: true });
      const f = join(d, `${name}.json`);
      writeFileSync(f, `${JSON.stringify(doc, null, 2)}\n`);
      written.push(f);
    }
  }
  const summary = join(dir, "summary.md");
  writeFileSync(summary, result.summary);
  written.push(summary);
  const sarif = join(dir, "policy.sarif");
  writeFileSync(sarif, `${JSON.stringify(result.sarif, null, 2)}\n`);
  written.push(sarif);
  if (result.diff) {
    const f = join(dir, "api-diff.json");
    writeFileSync(f, `${JSON.stringify(result.diff, null, 2)}\n`);
    written.push(f);
  }
  return written;
}
