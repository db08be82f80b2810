/**
 * `npm run review` writes the policy findings as SARIF 2.1.0: checked against the SARIF
 * 2.1.0 JSON Schema (the copy @microsoft/jest-sarif ships, read from disk: no network),
 * for a stack with deliberate findings and for the real app.
 */
import { expect } from "chai";
import { App } from "cdktf";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Sarif from "sarif";
import { loadEnvironments } from "../../modules/config/environments";
import { evaluate, RULES, suppress, suppressionsFromJson } from "../../modules/policy";
import { defineApp } from "../../modules/services";
import { loadStack, readStacks, TfStack } from "../../modules/tfjson";
import { review, writeReview } from "../../scripts/review/review";
import { toSarif } from "../../scripts/review/sarif";
import { CompliantFunction, newStack, toJson } from "../policy/fixtures";

const schemaPath = createRequire(import.meta.url).resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
// The schema's `language` pattern (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) has a stray
// bracket that is an error in a Unicode regular expression and a literal without the u flag,
// as JSON Schema draft-04 (ECMA 262 regular expressions) reads it: compile without the u flag.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object);

function schemaErrors(log: unknown): string[] {
  return validateSarif(log) ? [] : (validateSarif.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

describe("SARIF output of the policy findings", () => {
  describe("a stack with an error, a warning and a suppressed finding, written to disk as cdktf does", () => {
    let dir: string;
    let log: Sarif.Log;
    let file: string;
    before(() => {
      const stack = newStack("broken");
      const fn = new CompliantFunction(stack, "Fn");
      fn.fn.addOverride("tracing_config", undefined); // LMB2, error
      fn.fn.addOverride("reserved_concurrent_executions", undefined); // LMB6, warning
      fn.logs.addOverride("retention_in_days", undefined); // LOG1, error, suppressed below
      suppress(fn.logs, "LOG1", "Kept forever for the audit trail the regulator asks for.");
      dir = mkdtempSync(join(tmpdir(), "sarif-"));
      file = join(dir, "cdktf.out", "stacks", "broken", "cdk.tf.json");
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, JSON.stringify(toJson(stack), null, 2));
      const tf = loadStack(join(dir, "cdktf.out"), "broken");
      log = toSarif([{ name: "broken", stack: tf, policy: evaluate(tf, suppressionsFromJson(tf)) }], { root: dir });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("is valid against the SARIF 2.1.0 schema", () => {
      expect(log.version).to.equal("2.1.0");
      expect(schemaErrors(log)).to.deep.equal([]);
    });

    it("declares every policy rule with its title, help text, default level", () => {
      const rules = log.runs[0]!.tool.driver.rules!;
      expect(rules.map((r) => r.id)).to.deep.equal(RULES.map((r) => r.id));
      const lmb2 = rules.find((r) => r.id === "LMB2")!;
      expect(lmb2.shortDescription?.text).to.equal("Functions have X-Ray tracing active");
      expect(lmb2.defaultConfiguration?.level).to.equal("error");
      expect(lmb2.help?.text).to.include('How to fix: set tracing_config { mode = "Active" }.');
      expect(lmb2.help?.markdown).to.include('suppress(construct, "LMB2", "<reason>")');
      expect(rules.find((r) => r.id === "LMB6")!.defaultConfiguration?.level).to.equal("warning");
    });

    it("reports each finding with its level, the fix, the construct path and the resource's lines in cdk.tf.json", () => {
      const results = log.runs[0]!.results!;
      expect(results.map((r) => `${r.ruleId}:${r.level}`).sort()).to.deep.equal(["LMB2:error", "LMB6:warning", "LOG1:error"]);
      const lmb2 = results.find((r) => r.ruleId === "LMB2")!;
      expect(lmb2.message.text).to.match(/has X-Ray tracing off\. Fix: set tracing_config \{ mode = "Active" \}\.$/);
      expect(log.runs[0]!.tool.driver.rules![lmb2.ruleIndex!]!.id).to.equal("LMB2");
      const loc = lmb2.locations![0]!;
      expect(loc.physicalLocation!.artifactLocation!.uri).to.equal("cdktf.out/stacks/broken/cdk.tf.json");
      expect(loc.logicalLocations![0]).to.include({ fullyQualifiedName: "broken/Fn/Function", kind: "resource" });
      const name = loc.logicalLocations![0]!.name!.split(".")[1]!;
      const lines = readFileSync(file, "utf8").split("\n");
      const { startLine, endLine } = loc.physicalLocation!.region!;
      expect(lines[startLine! - 1]!.trim()).to.equal(`"${name}": {`);
      expect(lines[endLine! - 1]!.trim()).to.match(/^},?$/);
      expect(lines.slice(startLine! - 1, endLine).join("\n")).to.include('"function_name": "items"');
    });

    it("carries a suppressed finding as suppressed, with its reason", () => {
      const log1 = log.runs[0]!.results!.find((r) => r.ruleId === "LOG1")!;
      expect(log1.suppressions).to.deep.equal([
        { kind: "inSource", status: "accepted", justification: "Kept forever for the audit trail the regulator asks for.", properties: { declaredOn: "broken/Fn/Logs" } },
      ]);
      expect(log.runs[0]!.results!.find((r) => r.ruleId === "LMB2")!.suppressions).to.equal(undefined);
    });

    it("the schema check is real: a result without a message is rejected", () => {
      const bad = JSON.parse(JSON.stringify(log)) as { runs: { results: Record<string, unknown>[] }[] };
      delete bad.runs[0]!.results[0]!.message;
      expect(schemaErrors(bad).length).to.be.greaterThan(0);
    });
  });

  describe("the real app", function () {
    let dir: string;
    before(function () {
      this.timeout(300000);
      dir = mkdtempSync(join(tmpdir(), "sarif-app-"));
      const app = new App({ outdir: join(dir, "cdktf.out") });
      defineApp(app, loadEnvironments({ ENVIRONMENTS: "dev,prod" }));
      app.synth();
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("writes policy.sarif for every stack, schema-valid, each result located in its stack's cdk.tf.json", () => {
      const stacks = readStacks(join(dir, "cdktf.out"));
      const result = review(stacks);
      writeReview(result, join(dir, "review"));
      const log = JSON.parse(readFileSync(join(dir, "review", "policy.sarif"), "utf8")) as Sarif.Log;
      expect(schemaErrors(log)).to.deep.equal([]);
      const results = log.runs[0]!.results!;
      const findings = result.stacks.reduce((n, s) => n + s.policy.findings.length + s.policy.suppressed.length, 0);
      expect(findings).to.be.greaterThan(0);
      expect(results).to.have.length(findings);
      for (const r of results) {
        const uri = r.locations![0]!.physicalLocation!.artifactLocation!.uri!;
        const stack = /^cdktf\.out\/stacks\/([^/]+)\/cdk\.tf\.json$/.exec(uri)?.[1];
        expect(stack, uri).to.be.a("string");
        const tf: TfStack = stacks.get(stack!)!;
        expect(r.locations![0]!.physicalLocation!.region!.startLine, `${r.ruleId} ${uri}`).to.be.greaterThan(0);
        expect(tf.at(r.locations![0]!.logicalLocations![0]!.name!), r.ruleId).to.not.equal(undefined);
      }
    });
  });
});
