import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { expect } from "chai";
import { App, TerraformStack, Testing } from "cdktf";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PropError } from "../../modules/core/errors";
import {
  applyPolicy,
  applyPolicyToAll,
  collectSuppressions,
  hasPolicy,
  policyAppliedInJson,
  evaluate,
  suppress,
  suppressionsFromJson,
  type PolicyResult,
} from "../../modules/policy";
import { loadStack } from "../../modules/tfjson";
import { CompliantApi, CompliantBucket, CompliantFunction, newStack, toJson } from "./fixtures";

describe("applyPolicy and suppressions", () => {
  describe("suppress()", () => {
    it("rejects a suppression without a reason, with a trivial reason, or for an unknown rule", () => {
      const stack = newStack();
      const fn = new CompliantFunction(stack, "Fn");
      expect(() => suppress(fn, "LMB6", "")).to.throw(PropError, /"reason" is "": a suppression of LMB6 needs a written reason/);
      expect(() => suppress(fn, "LMB6", "   spiky   ")).to.throw(PropError, /needs a written reason/);
      expect(() => suppress(fn, "LMB6", "TODO fix this later")).to.throw(PropError, /needs a written reason/);
      expect(() => suppress(fn, "LMB6", "undefined" as unknown as string)).to.throw(PropError);
      expect(() => suppress(fn, "NOPE1", "a perfectly good reason")).to.throw(PropError, /"ruleId" is "NOPE1": use one of the policy rule ids \(APIG1,/);
      expect(collectSuppressions(stack)).to.deep.equal([]);
    });

    it("reports a suppressed finding as suppressed, with its reason and where it was declared", () => {
      const stack = newStack();
      const fn = new CompliantFunction(stack, "Fn");
      fn.fn.addOverride("reserved_concurrent_executions", undefined);
      suppress(fn, "LMB6", "Low-traffic admin function; the account pool is ample.");
      const result = evaluate(toJson(stack), collectSuppressions(stack));
      expect(result.findings).to.deep.equal([]);
      expect(result.suppressed).to.have.length(1);
      expect(result.suppressed[0]).to.include({
        ruleId: "LMB6",
        constructPath: "fixture/Fn/Function",
        suppressedAt: "fixture/Fn",
        reason: "Low-traffic admin function; the account pool is ample.",
      });
    });

    it("covers the construct and its children, not its siblings or other rules", () => {
      const stack = newStack();
      const a = new CompliantFunction(stack, "A");
      const b = new CompliantFunction(stack, "B");
      for (const f of [a, b]) f.fn.addOverride("reserved_concurrent_executions", undefined);
      a.fn.addOverride("tracing_config.mode", "PassThrough");
      suppress(a.fn, "LMB6", "Bursty by design; limited by the API throttle.");
      suppress(b.logs, "LOG1", "Nothing to suppress here: this one is unused on purpose.");
      const result = evaluate(toJson(stack), collectSuppressions(stack));
      expect(result.suppressed.map((f) => `${f.ruleId} ${f.constructPath}`)).to.deep.equal(["LMB6 fixture/A/Function"]);
      expect(result.findings.map((f) => `${f.ruleId} ${f.constructPath}`).sort()).to.deep.equal([
        "LMB2 fixture/A/Function",
        "LMB6 fixture/B/Function",
      ]);
      expect(result.unusedSuppressions.map((s) => `${s.ruleId} ${s.path}`)).to.deep.equal(["LOG1 fixture/B/Logs"]);
    });

    it("records the suppressions in the stack's // metadata so the review can read them from cdktf.out", () => {
      const stack = newStack();
      const bucket = new CompliantBucket(stack, "Backups");
      applyPolicy(stack);
      suppress(bucket, "S3_6", "Access logs would go to a bucket that itself needs access logs.");
      expect(suppressionsFromJson(toJson(stack))).to.deep.equal([
        { path: "fixture/Backups", ruleId: "S3_6", reason: "Access logs would go to a bucket that itself needs access logs." },
      ]);
      expect(policyAppliedInJson(toJson(stack))).to.equal(true);
    });

    it("records suppressions even in a stack that does not apply the policy, marked as unguarded", () => {
      const stack = newStack();
      const bucket = new CompliantBucket(stack, "Backups");
      suppress(bucket.bucket, "S3_6", "The log bucket cannot log to itself without a loop.");
      const json = toJson(stack);
      expect(suppressionsFromJson(json).map((s) => s.path)).to.deep.equal(["fixture/Backups/Bucket"]);
      expect(policyAppliedInJson(json)).to.equal(false);
    });

    it("applyPolicyToAll guards every stack of an app in one line", () => {
      const app = Testing.app();
      const a = newStackIn(app as App, "a");
      const b = newStackIn(app as App, "b");
      applyPolicyToAll(app);
      expect([hasPolicy(a), hasPolicy(b)]).to.deep.equal([true, true]);
    });
  });

  describe("at synth", () => {
    it("passes a compliant stack and hands the result to onResult", () => {
      const stack = newStack();
      new CompliantApi(stack, "Api");
      new CompliantFunction(stack, "Fn");
      let seen: PolicyResult | undefined;
      applyPolicy(stack, { onResult: (r) => (seen = r) });
      Testing.synth(stack, true);
      expect(seen?.findings).to.deep.equal([]);
    });

    it("fails the synth on an unsuppressed error, listing rule, resource, construct and fix", () => {
      const stack = newStack();
      const api = new CompliantApi(stack, "Api");
      api.stage.addOverride("xray_tracing_enabled", false);
      api.post.addOverride("api_key_required", false);
      applyPolicy(stack);
      expect(() => Testing.synth(stack, true)).to.throw(
        /policy: 2 unsuppressed findings[\s\S]*APIG3 \[error\] aws_api_gateway_method\.\S+ \(fixture\/Api\/PostItems\): POST is open[\s\S]*Fix: require an API key[\s\S]*APIG6 \[error\] aws_api_gateway_stage/,
      );
    });

    it("passes once the error is suppressed with a reason", () => {
      const stack = newStack();
      const api = new CompliantApi(stack, "Api");
      api.stage.addOverride("xray_tracing_enabled", false);
      suppress(api.stage, "APIG6", "Tracing is sampled at the function instead of the stage.");
      let seen: PolicyResult | undefined;
      applyPolicy(stack, { onResult: (r) => (seen = r) });
      Testing.synth(stack, true);
      expect(seen?.suppressed.map((f) => f.ruleId)).to.deep.equal(["APIG6"]);
    });

    it("keeps warnings from failing the synth and attaches them to the resource's construct", () => {
      const stack = newStack();
      const fn = new CompliantFunction(stack, "Fn");
      fn.fn.addOverride("reserved_concurrent_executions", undefined);
      applyPolicy(stack);
      Testing.synth(stack, true);
      const warnings = fn.fn.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/^LMB6 \[warning\] aws_lambda_function\.\S+ \(fixture\/Fn\/Function\)/);
    });

    it('fails on warnings too with failOn "warning"', () => {
      const stack = newStack();
      const fn = new CompliantFunction(stack, "Fn");
      fn.fn.addOverride("reserved_concurrent_executions", undefined);
      applyPolicy(stack, { failOn: "warning" });
      expect(() => Testing.synth(stack, true)).to.throw(/LMB6 \[warning\]/);
    });

    it("fails app.synth() (what `cdktf synth` runs) and writes the suppressions into cdk.tf.json", () => {
      const outdir = mkdtempSync(join(tmpdir(), "policy-synth-"));
      try {
        const failing = new App({ outdir });
        const badStack = newStackIn(failing, "bad");
        const bad = new CompliantFunction(badStack, "Fn");
        bad.permission.addOverride("principal", "*");
        applyPolicy(badStack);
        expect(() => failing.synth()).to.throw(/LMB5 \[error\] aws_lambda_permission/);

        const app = new App({ outdir });
        const stack = newStackIn(app, "good");
        const fn = new CompliantFunction(stack, "Fn");
        fn.fn.addOverride("reserved_concurrent_executions", undefined);
        suppress(fn.fn, "LMB6", "Throttled upstream by the API stage limits.");
        applyPolicy(stack);
        app.synth();
        const json = loadStack(outdir, "good");
        const result = evaluate(json, suppressionsFromJson(json));
        expect(result.findings).to.deep.equal([]);
        expect(result.suppressed.map((s) => [s.ruleId, s.reason])).to.deep.equal([["LMB6", "Throttled upstream by the API stage limits."]]);
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    });

    it("resolves a guarded stack once per app.synth(), writing exactly the JSON the rules saw, and never serves it outside that synth", () => {
      const outdir = mkdtempSync(join(tmpdir(), "policy-once-"));
      const resolveOriginal = TerraformStack.prototype.toTerraform;
      let resolutions = 0;
      TerraformStack.prototype.toTerraform = function (this: TerraformStack) {
        resolutions++;
        return resolveOriginal.call(this);
      };
      try {
        const app = new App({ outdir });
        const stack = newStackIn(app, "once");
        const fn = new CompliantFunction(stack, "Fn");
        applyPolicy(stack);
        app.synth();
        expect(resolutions, "the validation's resolution, none for the write").to.equal(1);
        expect(loadStack(outdir, "once").json).to.deep.equal(stack.toTerraform());
        expect(resolutions).to.equal(2);

        // Outside a synth, a validation keeps nothing: a change made after it shows.
        stack.runAllValidations();
        fn.fn.addOverride("description", "changed after the validation");
        expect(JSON.stringify(stack.toTerraform())).to.include("changed after the validation");
      } finally {
        TerraformStack.prototype.toTerraform = resolveOriginal;
        rmSync(outdir, { recursive: true, force: true });
      }
    });
  });
});

function newStackIn(app: App, id: string): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  return stack;
}
