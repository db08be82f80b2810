/**
 * The Terraform JSON library on hand-written stacks: references resolved with and without
 * computed attributes, interpolations and escapes, remote-state outputs, IAM statements,
 * and the API Gateway view joined by what ids resolve to.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  apiGateway,
  buildApiGateway,
  parsePolicyJson,
  permissionPolicies,
  readStacks,
  Resolver,
  segments,
  statementsOf,
  TfStack,
  type ComputedAttributes,
} from "../../modules/tfjson";

const api = "${aws_api_gateway_rest_api.Api.id}";
const doc = {
  "//": { metadata: { policy: { applied: true } } },
  provider: { aws: [{ region: "eu-west-1" }] },
  resource: {
    aws_api_gateway_rest_api: { Api: { "//": { metadata: { path: "svc/Api/Resource" } }, name: "svc" } },
    aws_api_gateway_resource: {
      Items: { rest_api_id: api, parent_id: "${aws_api_gateway_rest_api.Api.root_resource_id}", path_part: "items" },
      Item: { rest_api_id: api, parent_id: "${aws_api_gateway_resource.Items.id}", path_part: "{ID}" },
    },
    aws_api_gateway_method: {
      Get: { rest_api_id: api, resource_id: "${aws_api_gateway_resource.Item.id}", http_method: "get", authorization: "NONE", api_key_required: true },
      List: { rest_api_id: api, resource_id: "${aws_api_gateway_resource.Items.id}", http_method: "GET", authorization: "NONE" },
    },
    aws_api_gateway_integration: {
      Get: { rest_api_id: api, resource_id: "${aws_api_gateway_resource.Item.id}", http_method: "${aws_api_gateway_method.Get.http_method}", type: "AWS", uri: "arn:$${stageVariables.alias}" },
    },
    aws_api_gateway_method_response: {
      Get200: { rest_api_id: api, resource_id: "${aws_api_gateway_resource.Item.id}", http_method: "${aws_api_gateway_method.Get.http_method}", status_code: "200" },
    },
    aws_api_gateway_integration_response: {
      Get200: { rest_api_id: api, resource_id: "${aws_api_gateway_resource.Item.id}", http_method: "GET", status_code: "${aws_api_gateway_method_response.Get200.status_code}" },
    },
    aws_api_gateway_stage: { Prod: { rest_api_id: api, stage_name: "prod", deployment_id: "${aws_api_gateway_deployment.D.id}" } },
    aws_api_gateway_method_settings: {
      All: { rest_api_id: api, stage_name: "${aws_api_gateway_stage.Prod.stage_name}", method_path: "*/*", settings: [{ throttling_rate_limit: 10 }] },
    },
    aws_api_gateway_usage_plan: { Plan: { name: "plan", api_stages: [{ api_id: api, stage: "${aws_api_gateway_stage.Prod.stage_name}" }] } },
    aws_api_gateway_api_key: { Key: { name: "key" } },
    aws_api_gateway_usage_plan_key: { PK: { usage_plan_id: "${aws_api_gateway_usage_plan.Plan.id}", key_id: "${aws_api_gateway_api_key.Key.id}", key_type: "API_KEY" } },
    aws_iam_role_policy: { P: { role: "r", policy: JSON.stringify({ Statement: [{ Sid: "Read", Effect: "Allow", Action: "dynamodb:GetItem", Resource: ["arn:t"], Condition: { StringEquals: { "aws:x": "y" } } }] }) } },
    aws_s3_bucket_policy: { B: { bucket: "b", policy: "${data.aws_iam_policy_document.D.json}" } },
  },
  data: {
    aws_iam_policy_document: { D: { statement: [{ effect: "Deny", actions: ["s3:*"], principals: [{ type: "*", identifiers: ["*"] }], condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }] } },
  },
  output: { name: { value: "${aws_api_gateway_rest_api.Api.name}" } },
};

describe("Terraform JSON library", () => {
  const stack = new TfStack(doc as never, { name: "svc-dev" });

  describe("stacks and resources", () => {
    it("addresses resources and data sources as references spell them, with their construct paths, metadata left out", () => {
      const r = stack.at("aws_api_gateway_rest_api.Api")!;
      expect(r).to.include({ stack: "svc-dev", kind: "resource", type: "aws_api_gateway_rest_api", name: "Api", constructPath: "svc/Api/Resource" });
      expect(r.attrs).to.deep.equal({ name: "svc" });
      expect(stack.at("aws_api_gateway_resource.Items")!.constructPath).to.equal("aws_api_gateway_resource.Items");
      expect(stack.ofType("data.aws_iam_policy_document").map((d) => d.address)).to.deep.equal(["data.aws_iam_policy_document.D"]);
      expect(stack.ofType("aws_api_gateway_method").map((m) => m.name)).to.deep.equal(["Get", "List"]);
      expect(stack.region).to.equal("eu-west-1");
      expect(stack.metadata()).to.deep.equal({ policy: { applied: true } });
    });

    it("reads every stack of an outdir, by the manifest when there is one", () => {
      const outdir = mkdtempSync(join(tmpdir(), "tfjson-"));
      try {
        mkdirSync(join(outdir, "stacks", "b"), { recursive: true });
        mkdirSync(join(outdir, "stacks", "a"), { recursive: true });
        writeFileSync(join(outdir, "stacks", "b", "cdk.tf.json"), JSON.stringify(doc));
        writeFileSync(join(outdir, "stacks", "a", "cdk.tf.json"), JSON.stringify({ resource: {} }));
        expect([...readStacks(outdir).keys()]).to.deep.equal(["a", "b"]);
        writeFileSync(join(outdir, "manifest.json"), JSON.stringify({ stacks: { b: { synthesizedStackPath: "stacks/b/cdk.tf.json" }, a: { synthesizedStackPath: "stacks/a/cdk.tf.json" } } }));
        const stacks = readStacks(outdir);
        expect([...stacks.keys()]).to.deep.equal(["b", "a"]);
        expect(stacks.get("b")!.dir).to.equal(join(outdir, "stacks", "b"));
        expect(stacks.get("b")!.at("aws_api_gateway_rest_api.Api")!.stack).to.equal("b");
        expect(() => readStacks(join(outdir, "nothing"))).to.throw(/holds no synthesized stacks/);
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    });
  });

  describe("references", () => {
    it("splits interpolations, undoing $${ escapes", () => {
      expect(segments("a${x.y.z}b$${stageVariables.v}")).to.deep.equal([{ text: "a" }, { expr: "x.y.z" }, { text: "b${stageVariables.v}" }]);
    });

    it("without computed attributes, resolves configured values and leaves computed ones as their expressions", () => {
      const r = new Resolver([stack]);
      expect(stack.resolve("${aws_api_gateway_stage.Prod.stage_name}")).to.equal("prod");
      expect(r.value(stack, "${aws_api_gateway_rest_api.Api.id}/x")).to.equal("${aws_api_gateway_rest_api.Api.id}/x");
      expect(r.idOf(stack.at("aws_api_gateway_rest_api.Api")!)).to.equal(api);
      expect(r.attr(stack.at("aws_api_gateway_resource.Item")!, "path")).to.equal("/items/{ID}");
      expect(r.config(stack.at("aws_api_gateway_integration.Get")!)).to.include({ http_method: "get", uri: "arn:${stageVariables.alias}" });
    });

    it("asks the plug-in for computed attributes, and resolves through it across references", () => {
      const computed: ComputedAttributes = (res, attr, resolver) => (attr === "id" ? `id-${res.name}` : attr === "arn" ? `arn:${resolver.str(res, "name")}` : undefined);
      const r = new Resolver([stack], { computed });
      expect(r.value(stack, "${aws_api_gateway_rest_api.Api.id}/x")).to.equal("id-Api/x");
      expect(r.attr(stack.at("aws_api_gateway_rest_api.Api")!, "arn")).to.equal("arn:svc");
      expect(r.str(stack.at("aws_api_gateway_method.Get")!, "resource_id")).to.equal("id-Item");
    });

    it("resolves another stack's outputs through terraform_remote_state", () => {
      const other = new TfStack({ resource: { aws_s3_bucket: { B: { bucket: "${data.terraform_remote_state.svc.outputs.name}-art" } } } }, { name: "other" });
      const r = new Resolver([stack, other]);
      expect(r.attr(other.at("aws_s3_bucket.B")!, "bucket")).to.equal("svc-art");
    });
  });

  describe("IAM statements", () => {
    it("normalizes JSON policies and policy document data sources into one statement type", () => {
      const [st] = permissionPolicies(stack.at("aws_iam_role_policy.P")!)[0]!.statements;
      expect(st).to.deep.equal({
        sid: "Read",
        effect: "Allow",
        actions: ["dynamodb:GetItem"],
        notActions: [],
        resources: ["arn:t"],
        notResources: [],
        principals: [],
        notPrincipals: [],
        conditions: [{ test: "StringEquals", variable: "aws:x", values: ["y"] }],
      });
      const deny = statementsOf(stack, stack.at("aws_s3_bucket_policy.B")!.attrs.policy)!;
      expect(deny).to.have.length(1);
      expect(deny[0]).to.include({ effect: "Deny" });
      expect(deny[0]!.principals).to.deep.equal(["*"]);
      expect(deny[0]!.conditions).to.deep.equal([{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }]);
    });

    it("parses each policy text once, and reads an expression as unreadable", () => {
      const text = String(stack.at("aws_iam_role_policy.P")!.attrs.policy);
      expect(parsePolicyJson(text)).to.equal(parsePolicyJson(text));
      expect(parsePolicyJson("${aws_iam_policy_document.x.json}")).to.equal(undefined);
    });
  });

  describe("API Gateway view", () => {
    const check = (view: ReturnType<typeof apiGateway>) => {
      expect(view.apis).to.have.length(1);
      const a = view.apis[0]!;
      expect(a.methods.map((m) => `${m.httpMethod} ${m.path}`)).to.deep.equal(["GET /items", "GET /items/{ID}"]);
      const get = a.methods[1]!;
      expect(get.integration?.name).to.equal("Get");
      expect(get.methodResponses.map((r) => r.name)).to.deep.equal(["Get200"]);
      expect(get.integrationResponses.map((r) => r.name)).to.deep.equal(["Get200"]);
      expect(a.methods[0]!.integration).to.equal(undefined);
      const stage = a.stages[0]!;
      expect(stage.name).to.equal("prod");
      expect(stage.methodSettings.get("*/*")!.settings).to.deep.equal({ throttling_rate_limit: 10 });
      expect(stage.usagePlans.map((p) => p.resource.name)).to.deep.equal(["Plan"]);
      expect(view.usagePlans[0]!.keys.map((k) => k.name)).to.deep.equal(["Key"]);
      expect(view.stageOf(stack.at("aws_api_gateway_stage.Prod")!)).to.equal(stage);
    };

    it("joins methods, integrations, responses, stages, settings, plans and keys by their unresolved ids (the review)", () => {
      check(apiGateway(stack));
    });

    it("joins them the same way when ids are computed (the gateway)", () => {
      const r = new Resolver([stack], { computed: (res, attr) => (attr === "id" || attr === "root_resource_id" ? `${attr}-${res.name}` : undefined) });
      const view = buildApiGateway(r, [stack]);
      check(view);
      expect(view.apis[0]!.id).to.equal("id-Api");
      expect(view.apis[0]!.root.id).to.equal("root_resource_id-Api");
    });
  });
});
