import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { App, Testing } from "cdktf";
import { loadEnvironments } from "../../modules/config/environments";
import { defineApp, SERVICES } from "../../modules/services";
import { evaluate, policyAppliedInJson, suppressionsFromJson } from "../../modules/policy";
import { loadStack, segments } from "../../modules/tfjson";
import type { Tf } from "./support";

const SERVICE_NAMES = ["student-records", "todos", "items-catalog", "music-library", "image-gallery"];

/** Every `aws_x.name` / `data.aws_x.name` / `data.terraform_remote_state.name` an expression anywhere in `value` refers to. */
function referencedBlocks(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") {
    for (const seg of segments(value)) {
      if (!("expr" in seg)) continue;
      for (const m of seg.expr.matchAll(/(?<![\w.])((?:data\.)?(?:aws_[a-z0-9_]+|terraform_remote_state)\.[A-Za-z0-9_-]+)/g)) out.add(m[1]!);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) referencedBlocks(v, out);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) referencedBlocks(v, out);
  }
  return out;
}

describe("the whole app with the five services", () => {
  let outdir: string;
  let manifest: Tf;
  const stack = (id: string): Tf => loadStack(outdir, id).json;

  before(() => {
    const app = Testing.app() as App;
    defineApp(app, loadEnvironments({ ENVIRONMENTS: "dev,prod" }));
    app.synth();
    outdir = app.outdir;
    manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  });

  it("registers the five services", () => {
    expect(SERVICES).to.have.length(5);
  });

  it("synthesizes one stack per service per environment, each after its environment's platform and site-edge stacks", () => {
    for (const env of ["dev", "prod"]) {
      expect(manifest.stacks[`web-edge-${env}`].dependencies).to.deep.equal([`platform-${env}`]);
      expect([...manifest.stacks[`web-${env}`].dependencies].sort()).to.deep.equal([...SERVICE_NAMES.map((s) => `${s}-${env}`), `platform-${env}`, `web-edge-${env}`].sort());
      for (const service of SERVICE_NAMES) {
        const id = `${service}-${env}`;
        expect(manifest.stacks, id).to.have.property(id);
        expect([...manifest.stacks[id].dependencies].sort(), id).to.deep.equal([`platform-${env}`, `web-edge-${env}`]);
        expect(existsSync(path.join(outdir, manifest.stacks[id].synthesizedStackPath)), id).to.equal(true);
      }
    }
  });

  it("keeps each stack's state under its own key and every physical name prefixed by its environment", () => {
    const apiNames: string[] = [];
    for (const env of ["dev", "prod"]) {
      for (const service of SERVICE_NAMES) {
        const id = `${service}-${env}`;
        const tf = stack(id);
        expect(tf.terraform.backend.s3.key, id).to.equal(`${id}/terraform.tfstate`);
        for (const api of Object.values<Tf>(tf.resource.aws_api_gateway_rest_api)) apiNames.push(api.name);
        for (const fn of Object.values<Tf>(tf.resource.aws_lambda_function)) expect(fn.function_name, id).to.match(new RegExp(`^${env}-`));
      }
    }
    expect(new Set(apiNames).size).to.equal(apiNames.length);
    expect(apiNames.sort()).to.deep.equal(
      ["DemoRESTAPI", "ImageAPI", "ItemsAPI", "student", "todo-api"].flatMap((n) => [`dev-${n}`, `prod-${n}`]).sort(),
    );
  });

  it("ships every function's zip as an asset of its stack and uploads it to the artifacts bucket", () => {
    for (const env of ["dev", "prod"]) {
      for (const service of SERVICE_NAMES) {
        const id = `${service}-${env}`;
        const tf = stack(id);
        const objects = Object.values<Tf>(tf.resource.aws_s3_object ?? {});
        expect(objects.length, id).to.equal(Object.keys(tf.resource.aws_lambda_function).length);
        for (const o of objects) {
          expect(o.bucket, id).to.equal(`${env}-cdktf-rest-platform-artifacts`);
          expect(existsSync(path.join(outdir, manifest.stacks[id].workingDirectory, o.source)), `${id} ${o.source}`).to.equal(true);
        }
      }
    }
  });

  it("gives every API a deployment with a redeployment trigger and stages on it", () => {
    for (const env of ["dev", "prod"]) {
      for (const service of SERVICE_NAMES) {
        const tf = stack(`${service}-${env}`);
        const deployments = Object.values<Tf>(tf.resource.aws_api_gateway_deployment);
        expect(deployments).to.have.length(1);
        expect(deployments[0].triggers.redeployment).to.be.a("string").and.have.length.above(8);
        expect(Object.keys(tf.resource.aws_api_gateway_stage).length).to.be.above(0);
      }
    }
  });

  it("declares, in each stack, every resource and data source its expressions refer to (another stack's only through its remote state)", () => {
    // Terraform refuses a stack that names a block it does not declare ("Reference to
    // undeclared resource"): the items catalog's CORS templates once named web-edge's
    // distribution directly, because the API's resources were built after cdktf's cross-stack pass.
    const ids = Object.keys(manifest.stacks);
    expect(ids.length).to.be.above(10);
    for (const id of ids) {
      const tf = stack(id);
      const declared = new Set<string>();
      for (const [type, byName] of Object.entries<Tf>(tf.resource ?? {})) for (const name of Object.keys(byName)) declared.add(`${type}.${name}`);
      for (const [type, byName] of Object.entries<Tf>(tf.data ?? {})) for (const name of Object.keys(byName)) declared.add(`data.${type}.${name}`);
      const undeclared = [...referencedBlocks(tf)].filter((a) => !declared.has(a));
      expect(undeclared, id).to.deep.equal([]);
    }
  });

  it("reads the site's origin in the items catalog's CORS templates from web-edge's remote state", () => {
    for (const env of ["dev", "prod"]) {
      const tf = stack(`items-catalog-${env}`);
      const templates = Object.values<Tf>(tf.resource.aws_api_gateway_integration_response).map((r) => String(r.response_templates?.["application/json"] ?? ""));
      const echoes = templates.filter((t) => t.includes("responseOverride.header.Access-Control-Allow-Origin"));
      expect(echoes.length, env).to.be.above(0);
      for (const t of echoes) {
        expect(t, env).to.match(new RegExp(`\\$origin == "https://\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-web-edge-${env}\\.outputs\\.[^}]+domain_name\\}"`));
      }
      expect(Object.keys(tf.data.terraform_remote_state), env).to.deep.equal([`cross-stack-reference-input-web-edge-${env}`]);
    }
  });

  it("guards every shipped stack with the policy rules and leaves zero unsuppressed errors", () => {
    const ids = Object.keys(manifest.stacks);
    expect(ids).to.include.members(["platform-dev", "state-bootstrap-dev", "platform-prod", "state-bootstrap-prod"]);
    for (const id of ids) {
      const tf = stack(id);
      expect(policyAppliedInJson(tf), `${id} guarded at synth`).to.equal(true);
      const suppressions = suppressionsFromJson(tf);
      const result = evaluate(tf, suppressions);
      const errors = result.findings.filter((f) => f.severity === "error");
      expect(errors, `${id}: ${errors.map((f) => f.ruleId).join(", ")}`).to.deep.equal([]);
      for (const s of result.suppressed) expect(s.reason, `${id} ${s.ruleId}`).to.be.a("string").with.length.above(9);
    }
  });
});
