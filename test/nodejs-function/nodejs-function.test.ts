import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { readFileSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Testing } from "cdktf";
import { clearBundleCache, findProjectRoot } from "../../modules/nodejs-function/bundle";
import { NodejsFunction } from "../../modules/nodejs-function";
import { DYNAMO_FIXTURE, devEnv, lambdaOf, make, only, plainStack, serviceStack, synth, type Json } from "./support";

// The function itself: its Lambda settings, how the zip is uploaded, its outputs, a plain
// TerraformStack, and byte-stable output. The role, aliases and validation have their own files.

const root = findProjectRoot();

describe("nodejs-function: NodejsFunction", () => {
  describe("the Lambda function", () => {
    it("has explicit defaults: 256 MB, 10 s, nodejs22.x, arm64, index.handler, published", () => {
      const { stack } = make();
      const lambda = lambdaOf(synth(stack));
      expect(lambda).to.include({
        function_name: "dev-ItemsFunction",
        memory_size: 256,
        timeout: 10,
        runtime: "nodejs22.x",
        handler: "index.handler",
        publish: true,
      });
      expect(lambda.architectures).to.deep.equal(["arm64"]);
      expect(lambda).to.not.have.property("reserved_concurrent_executions");
      expect(lambda).to.not.have.property("environment");
    });

    it("takes memory, timeout, runtime, architecture, description, concurrency and name from props", () => {
      const { stack } = make({
        functionName: "custom-name",
        memorySize: 1024,
        timeout: 900,
        runtime: "nodejs20.x",
        architecture: "x86_64",
        description: "reads items",
        reservedConcurrency: 5,
      });
      const lambda = lambdaOf(synth(stack));
      expect(lambda).to.include({
        function_name: "custom-name",
        memory_size: 1024,
        timeout: 900,
        runtime: "nodejs20.x",
        description: "reads items",
        reserved_concurrent_executions: 5,
      });
      expect(lambda.architectures).to.deep.equal(["x86_64"]);
    });

    it("traces with X-Ray and logs JSON to its own log group, which it depends on", () => {
      const { stack } = make();
      const json = synth(stack);
      const lambda = lambdaOf(json);
      const [logGroupId] = Object.keys(json.resource.aws_cloudwatch_log_group);
      expect(lambda.tracing_config).to.deep.equal({ mode: "Active" });
      expect(lambda.logging_config).to.deep.equal({
        log_format: "JSON",
        log_group: `\${aws_cloudwatch_log_group.${logGroupId}.name}`,
      });
      expect(lambda.depends_on).to.include(`aws_cloudwatch_log_group.${logGroupId}`);
    });

    it("creates /aws/lambda/<name> with the environment's retention, or the prop's", () => {
      expect(only(synth(make().stack), "aws_cloudwatch_log_group")).to.deep.equal({
        name: "/aws/lambda/dev-ItemsFunction",
        retention_in_days: 14,
      });
      const custom = only(synth(make({ logRetentionDays: 365 }).stack), "aws_cloudwatch_log_group");
      expect(custom.retention_in_days).to.equal(365);
    });

    it("renders environment variables from props and addEnvironment, sorted", () => {
      const { stack, fn } = make({ environment: { ZED: "z", TABLE_NAME: "Items" } });
      fn.addEnvironment("ALPHA", "a");
      const vars = lambdaOf(synth(stack)).environment.variables;
      expect(vars).to.deep.equal({ ALPHA: "a", TABLE_NAME: "Items", ZED: "z" });
      expect(Object.keys(vars)).to.deep.equal(["ALPHA", "TABLE_NAME", "ZED"]);
    });

    it("adds an environment block when the first variable arrives after construction", () => {
      const { stack, fn } = make();
      fn.addEnvironment("TABLE_NAME", "Items");
      expect(lambdaOf(synth(stack)).environment).to.deep.equal({ variables: { TABLE_NAME: "Items" } });
    });

    it("enables source maps at run time when they are shipped", () => {
      const { stack } = make({ sourceMap: true });
      expect(lambdaOf(synth(stack)).environment.variables).to.deep.equal({ NODE_OPTIONS: "--enable-source-maps" });
    });

    it("sets source_code_hash to the base64 SHA-256 of the zip bytes", async () => {
      const { stack, fn } = make();
      const { createHash } = await import("node:crypto");
      const bytes = readFileSync(fn.bundle.zipPath);
      expect(lambdaOf(synth(stack)).source_code_hash).to.equal(createHash("sha256").update(bytes).digest("base64"));
    });

    it("names the function after the construct id outside a ServiceStack", () => {
      const stack = plainStack();
      new NodejsFunction(stack, "Plain", { entry: DYNAMO_FIXTURE, env: devEnv() });
      expect(lambdaOf(synth(stack)).function_name).to.equal("Plain");
    });
  });

  describe("upload modes", () => {
    it("s3 (default): a content-addressed object in the artifacts bucket, read by the function", () => {
      const { stack, fn } = make();
      const json = synth(stack);
      const object = only(json, "aws_s3_object");
      const [objectId] = Object.keys(json.resource.aws_s3_object);
      expect(object).to.deep.equal({
        bucket: "dev-cdktf-rest-platform-artifacts",
        key: `functions/dev-ItemsFunction/${fn.bundle.sha256Hex}.zip`,
        source: fn.asset.path,
        source_hash: fn.bundle.sha256Hex,
        content_type: "application/zip",
      });
      expect(fn.asset.path).to.match(new RegExp(`^assets/[^/]+/${fn.bundle.sha256Hex}/function\\.zip$`));
      const lambda = lambdaOf(json);
      expect(lambda.s3_bucket).to.equal(`\${aws_s3_object.${objectId}.bucket}`);
      expect(lambda.s3_key).to.equal(`\${aws_s3_object.${objectId}.key}`);
      expect(lambda).to.not.have.property("filename");
    });

    it("follows the environment's functionUpload, and the prop over it", () => {
      const direct = synth(make({}, serviceStack("a-dev", devEnv({ DEV_FUNCTION_UPLOAD: "direct" }))).stack);
      expect(direct.resource).to.not.have.property("aws_s3_object");
      const forced = synth(make({ upload: "s3" }, serviceStack("b-dev", devEnv({ DEV_FUNCTION_UPLOAD: "direct" }))).stack);
      expect(forced.resource).to.have.property("aws_s3_object");
    });

    it("direct: the function's filename is the zip asset, and no object is created", () => {
      const { stack, fn } = make({ upload: "direct" });
      const json = synth(stack);
      expect(json.resource).to.not.have.property("aws_s3_object");
      const lambda = lambdaOf(json);
      expect(lambda.filename).to.equal(fn.asset.path);
      expect(lambda).to.not.have.property("s3_bucket");
      expect(lambda).to.not.have.property("s3_key");
    });
  });

  describe("outputs", () => {
    it("outputs name, ARN, qualified ARN, version and each alias ARN", () => {
      const { stack } = make({ aliases: { dev: "$LATEST", prod: "latest" } });
      const json = synth(stack);
      const [lambdaId] = Object.keys(json.resource.aws_lambda_function);
      const values = Object.values(json.output).map((o) => (o as Json).value);
      const aliasIds = Object.keys(json.resource.aws_lambda_alias);
      expect(values.sort()).to.deep.equal(
        [
          `\${aws_lambda_function.${lambdaId}.function_name}`,
          `\${aws_lambda_function.${lambdaId}.arn}`,
          `\${aws_lambda_function.${lambdaId}.qualified_arn}`,
          `\${aws_lambda_function.${lambdaId}.version}`,
          ...aliasIds.map((id) => `\${aws_lambda_alias.${id}.arn}`),
        ].sort(),
      );
    });
  });

  describe("outside the project's environments (a plain TerraformStack)", () => {
    it("takes the region from the stack's AwsProvider and uploads directly, with 14-day logs", () => {
      const stack = plainStack();
      new AwsProvider(stack, "aws", { region: "ap-southeast-2" });
      const fn = new NodejsFunction(stack, "Plain", { entry: DYNAMO_FIXTURE });
      expect(fn.region).to.equal("ap-southeast-2");
      expect(fn.env).to.equal(undefined);
      const json = synth(stack);
      const lambda = lambdaOf(json);
      expect(lambda.function_name).to.equal("Plain");
      expect(lambda).to.have.property("filename");
      expect(lambda).to.not.have.property("s3_bucket");
      expect(Object.values(json.resource.aws_cloudwatch_log_group as Record<string, Json>)[0].retention_in_days).to.equal(14);
    });

    it("uploads to an explicit artifacts bucket, and an explicit region wins over the provider's", () => {
      const stack = plainStack();
      new AwsProvider(stack, "aws", { region: "ap-southeast-2" });
      const fn = new NodejsFunction(stack, "Plain", { entry: DYNAMO_FIXTURE, region: "eu-west-1", artifactsBucket: "acme-artifacts" });
      expect(fn.region).to.equal("eu-west-1");
      const json = synth(stack);
      expect(lambdaOf(json).s3_bucket).to.match(/^\$\{aws_s3_object\.[^.]+\.bucket\}$/);
      expect(Object.values(json.resource.aws_s3_object as Record<string, Json>)[0].bucket).to.equal("acme-artifacts");
    });
  });

  describe("byte-stable output", () => {
    function fullSynth(): { tf: string; zips: Map<string, Buffer>; cache: string } {
      const stack = serviceStack("stable-dev");
      const fn = new NodejsFunction(stack, "ItemsFunction", {
        entry: DYNAMO_FIXTURE,
        aliases: { dev: "$LATEST", prod: "latest" },
      });
      const outdir = Testing.fullSynth(stack);
      const stackDir = path.join(outdir, "stacks", "stable-dev");
      const zips = new Map<string, Buffer>();
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir)) {
          const p = path.join(dir, name);
          if (statSync(p).isDirectory()) walk(p);
          else if (name.endsWith(".zip")) zips.set(path.relative(stackDir, p), readFileSync(p));
        }
      };
      walk(path.join(stackDir, "assets"));
      const tf = readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8");
      rmSync(outdir, { recursive: true, force: true });
      return { tf, zips, cache: fn.bundle.cache };
    }

    it("builds the function twice, with the sources' mtimes changed between, into identical zips and cdk.tf.json", () => {
      const file = path.join(root, DYNAMO_FIXTURE);
      const before = statSync(file);
      try {
        const first = fullSynth();
        // Change only the mtime, and force a fresh esbuild run and a fresh zip.
        const later = new Date(Date.now() + 86_400_000);
        utimesSync(file, later, later);
        clearBundleCache();
        const buildDir = make({}, serviceStack("probe-dev")).fn.bundle.dir;
        rmSync(buildDir, { recursive: true, force: true });
        clearBundleCache();
        const second = fullSynth();
        expect(second.cache, "the second synth bundled and zipped afresh").to.equal("none");
        expect(first.zips.size).to.equal(1);
        expect([...second.zips.keys()]).to.deep.equal([...first.zips.keys()]);
        for (const [name, bytes] of first.zips) expect(second.zips.get(name)!.equals(bytes), name).to.equal(true);
        expect(second.tf).to.equal(first.tf);
        expect(first.tf).to.not.include(root);
      } finally {
        utimesSync(file, before.atime, before.mtime);
      }
    });
  });
});
