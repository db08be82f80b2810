import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { readFileSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { TerraformOutput, Testing, Token, type TerraformStack } from "cdktf";
import { PropError } from "../../modules/core/errors";
import { clearBundleCache, findProjectRoot } from "../../modules/nodejs-function/bundle";
import { NodejsFunction, type NodejsFunctionProps } from "../../modules/nodejs-function";
import { DYNAMO_FIXTURE, devEnv, only, plainStack, policyOf, serviceStack, synth, type Json } from "./support";

const root = findProjectRoot();

function make(props: Partial<NodejsFunctionProps> = {}, stack = serviceStack()) {
  const fn = new NodejsFunction(stack, "ItemsFunction", { entry: DYNAMO_FIXTURE, ...props });
  return { stack, fn };
}

/** What Terraform would see for token values: rendered through probe outputs. */
function resolveVia(stack: TerraformStack, values: readonly string[]): string[] {
  values.forEach((value, i) => new TerraformOutput(stack, `probe${i}`, { value }));
  const outputs = synth(stack).output as Record<string, { value: string }>;
  return values.map((_, i) => outputs[`probe${i}`]!.value);
}

function lambdaOf(json: Json): Json {
  return only(json, "aws_lambda_function");
}

function expectPropError(fn: () => unknown, prop: string, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, "a PropError was thrown").to.be.instanceOf(PropError);
  const err = caught as PropError;
  expect(err.prop).to.equal(prop);
  expect(err.message).to.match(pattern);
}

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

  describe("the execution role", () => {
    it("is assumable only by lambda.amazonaws.com and has no managed policies", () => {
      const { stack } = make();
      const json = synth(stack);
      const role = only(json, "aws_iam_role");
      expect(role.name).to.equal("dev-ItemsFunction-role");
      expect(JSON.parse(role.assume_role_policy)).to.deep.equal({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      });
      expect(role).to.not.have.property("managed_policy_arns");
      expect(json.resource).to.not.have.property("aws_iam_role_policy_attachment");
      const [roleId] = Object.keys(json.resource.aws_iam_role);
      expect(only(json, "aws_iam_role_policy").role).to.equal(`\${aws_iam_role.${roleId}.id}`);
      expect(lambdaOf(json).role).to.equal(`\${aws_iam_role.${roleId}.arn}`);
    });

    it("allows logging only to its own log group and X-Ray trace upload, nothing else", () => {
      const { stack } = make();
      const json = synth(stack);
      const [logGroupId] = Object.keys(json.resource.aws_cloudwatch_log_group);
      expect(policyOf(json)).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "WriteOwnLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `\${aws_cloudwatch_log_group.${logGroupId}.arn}:*`,
          },
          {
            Sid: "SendXRayTraces",
            Effect: "Allow",
            Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
            Resource: "*",
          },
        ],
      });
    });

    it("includes statements granted after construction, with token ARNs resolved", () => {
      const { stack, fn } = make();
      const otherFn = new NodejsFunction(stack, "Other", { entry: DYNAMO_FIXTURE });
      fn.addToRolePolicy({ sid: "ReadItems", actions: ["dynamodb:Query", "dynamodb:GetItem"], resources: [otherFn.arn] });
      fn.addToRolePolicy({
        actions: ["ses:SendEmail"],
        resources: ["arn:aws:ses:us-east-1:111122223333:identity/a@example.com"],
        conditions: { StringEquals: { "ses:FromAddress": "a@example.com" } },
      });
      const json = synth(stack);
      const policies = json.resource.aws_iam_role_policy as Record<string, { policy: string }>;
      const mine = JSON.parse(Object.entries(policies).find(([k]) => k.startsWith("ItemsFunction"))![1]!.policy);
      const [, , read, send] = mine.Statement;
      const otherId = Object.keys(json.resource.aws_lambda_function).find((k) => k.startsWith("Other"));
      expect(read).to.deep.equal({
        Sid: "ReadItems",
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:Query"],
        Resource: `\${aws_lambda_function.${otherId}.arn}`,
      });
      expect(send).to.deep.equal({
        Effect: "Allow",
        Action: ["ses:SendEmail"],
        Resource: "arn:aws:ses:us-east-1:111122223333:identity/a@example.com",
        Condition: { StringEquals: { "ses:FromAddress": "a@example.com" } },
      });
      expect(mine.Statement).to.have.length(4);
      const theirs = JSON.parse(Object.entries(policies).find(([k]) => k.startsWith("Other"))![1]!.policy);
      expect(theirs.Statement).to.have.length(2);
    });

    it("adds the same grant once when it is made twice", () => {
      const { stack, fn } = make();
      const grant = { actions: ["dynamodb:GetItem"], resources: ["arn:aws:dynamodb:us-east-1:111122223333:table/Items"] };
      fn.addToRolePolicy(grant);
      fn.addToRolePolicy({ ...grant, actions: [...grant.actions] });
      fn.addToRolePolicy({ ...grant, actions: ["dynamodb:PutItem"] });
      expect(policyOf(synth(stack)).Statement).to.have.length(4);
    });

    it("refuses wildcard actions, '*' resources for scopable actions, bad and duplicate sids", () => {
      const { fn } = make();
      const arn = "arn:aws:dynamodb:us-east-1:111122223333:table/Items";
      expectPropError(() => fn.addToRolePolicy({ actions: ["dynamodb:*"], resources: [arn] }), "statement.actions", /wildcard/);
      expectPropError(() => fn.addToRolePolicy({ actions: ["*"], resources: [arn] }), "statement.actions", /"\*"/);
      expectPropError(() => fn.addToRolePolicy({ actions: [], resources: [arn] }), "statement.actions", /at least one/);
      expectPropError(
        () => fn.addToRolePolicy({ actions: ["dynamodb:GetItem"], resources: ["*"] }),
        "statement.resources",
        /dynamodb:GetItem can be scoped/,
      );
      expectPropError(() => fn.addToRolePolicy({ actions: ["dynamodb:GetItem"], resources: [] }), "statement.resources", /exact ARNs/);
      expectPropError(
        () => fn.addToRolePolicy({ sid: "not-ok", actions: ["dynamodb:GetItem"], resources: [arn] }),
        "statement.sid",
        /letters and digits/,
      );
      expectPropError(
        () => fn.addToRolePolicy({ sid: "WriteOwnLogGroup", actions: ["dynamodb:GetItem"], resources: [arn] }),
        "statement.sid",
        /already used/,
      );
      fn.addToRolePolicy({ actions: ["cloudwatch:PutMetricData"], resources: ["*"] });
      expect(fn.policyStatements).to.have.length(3);
    });

    it("uses a name prefix when <name>-role would exceed IAM's 64 characters", () => {
      const name = "f".repeat(64);
      const role = only(synth(make({ functionName: name }).stack), "aws_iam_role");
      expect(role).to.not.have.property("name");
      expect(role.name_prefix).to.equal(`${"f".repeat(37)}-`);
    });
  });

  describe("aliases", () => {
    it("creates one alias per name: $LATEST, the newest published version, or a number", () => {
      const { stack, fn } = make({ aliases: { dev: "$LATEST", prod: "latest", pinned: "3" } });
      const json = synth(stack);
      const [lambdaId] = Object.keys(json.resource.aws_lambda_function);
      const aliases = Object.values(json.resource.aws_lambda_alias) as Json[];
      const byName = Object.fromEntries(aliases.map((a) => [a.name, a]));
      expect(Object.keys(byName).sort()).to.deep.equal(["dev", "pinned", "prod"]);
      for (const a of aliases) expect(a.function_name).to.equal(`\${aws_lambda_function.${lambdaId}.function_name}`);
      expect(byName.dev.function_version).to.equal("$LATEST");
      expect(byName.prod.function_version).to.equal(`\${aws_lambda_function.${lambdaId}.version}`);
      expect(byName.pinned.function_version).to.equal("3");
      expect(fn.aliasNames).to.deep.equal(["dev", "prod", "pinned"]);
    });

    it("resolves alias(name) to the alias resource's ARN and invoke ARN", () => {
      const { stack, fn } = make({ aliases: { dev: "$LATEST", prod: "latest" } });
      const prod = fn.alias("prod");
      expect(prod.name).to.equal("prod");
      expect(Token.isUnresolved(prod.arn)).to.equal(true);
      const resolved = resolveVia(stack, [prod.arn, prod.invokeArn]);
      const aliasId = Object.keys(synth(stack).resource.aws_lambda_alias).find((k) => k.includes("prod"));
      expect(resolved).to.deep.equal([
        `\${aws_lambda_alias.${aliasId}.arn}`,
        `\${aws_lambda_alias.${aliasId}.invoke_arn}`,
      ]);
    });

    it("throws a PropError for an alias that is not declared, listing the declared ones", () => {
      const { fn } = make({ aliases: { dev: "$LATEST" } });
      expectPropError(() => fn.alias("prod"), "alias", /"prod".*declared aliases: dev/);
      const { fn: bare } = make({}, serviceStack("bare-dev"));
      expectPropError(() => bare.alias("dev"), "alias", /has no aliases/);
    });

    it("gives a stage-variable target, and refuses one when no alias is declared", () => {
      const { fn } = make({ aliases: { dev: "$LATEST", prod: "latest" } });
      const target = fn.aliasFromStageVariable("lambdaAlias");
      expect(target.kind).to.equal("stage-variable");
      expect(target.variable).to.equal("lambdaAlias");
      expect(target.fn).to.equal(fn);
      expectPropError(() => fn.aliasFromStageVariable("lambda-alias"), "variable", /letters, digits and underscores/);
      const { fn: bare } = make({}, serviceStack("bare-dev"));
      expectPropError(() => bare.aliasFromStageVariable("lambdaAlias"), "aliases", /declare the aliases/);
    });

    it("implements LambdaFunctionRef with the function's ARNs and the environment's region", () => {
      const { stack, fn } = make({ env: devEnv({ DEV_REGION: "eu-west-1" }) }, serviceStack("eu-dev", devEnv({ DEV_REGION: "eu-west-1" })));
      expect(fn.id).to.equal("ItemsFunction");
      expect(fn.functionName).to.equal("dev-ItemsFunction");
      expect(fn.region).to.equal("eu-west-1");
      const lambdaId = Object.keys(synth(stack).resource.aws_lambda_function)[0];
      expect(resolveVia(stack, [fn.arn, fn.invokeArn, fn.qualifiedArn, fn.version])).to.deep.equal([
        `\${aws_lambda_function.${lambdaId}.arn}`,
        `\${aws_lambda_function.${lambdaId}.invoke_arn}`,
        `\${aws_lambda_function.${lambdaId}.qualified_arn}`,
        `\${aws_lambda_function.${lambdaId}.version}`,
      ]);
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

  describe("validation", () => {
    it("needs a region outside a ServiceStack when the stack's provider names none", () => {
      expectPropError(() => new NodejsFunction(plainStack(), "F", { entry: DYNAMO_FIXTURE }), "region", /configure the stack's AwsProvider with a region/);
    });

    it("refuses the s3 upload mode without an artifacts bucket", () => {
      expectPropError(
        () => new NodejsFunction(plainStack(), "F", { entry: DYNAMO_FIXTURE, region: "eu-west-1", upload: "s3" }),
        "artifactsBucket",
        /upload: "direct"/,
      );
    });

    it("refuses a missing entry file", () => {
      expectPropError(() => make({ entry: "functions/missing/index.ts" }), "entry", /"functions\/missing\/index.ts": point it at an existing handler file/);
      expectPropError(() => make({ entry: "test/fixtures/functions" }), "entry", /existing handler file/);
    });

    it("refuses memory outside 128-10240 MB", () => {
      for (const bad of [64, 127, 10241, 256.5]) {
        expectPropError(() => make({ memorySize: bad }), "memorySize", /from 128 to 10240/);
      }
      for (const ok of [128, 10240]) expect(() => make({ memorySize: ok }, serviceStack(`m${ok}-dev`))).to.not.throw();
    });

    it("refuses a timeout outside 1-900 s", () => {
      for (const bad of [0, 901, 1.5, -1]) expectPropError(() => make({ timeout: bad }), "timeout", /from 1 to 900/);
    });

    it("refuses a negative or fractional reserved concurrency, accepts 0", () => {
      expectPropError(() => make({ reservedConcurrency: -1 }), "reservedConcurrency", />= 0/);
      expectPropError(() => make({ reservedConcurrency: 1.5 }), "reservedConcurrency", />= 0/);
      expect(lambdaOf(synth(make({ reservedConcurrency: 0 }).stack)).reserved_concurrent_executions).to.equal(0);
    });

    it("refuses function names longer than 64 characters or with bad characters", () => {
      expectPropError(() => make({ functionName: "x".repeat(65) }), "functionName", /1 to 64 characters/);
      expectPropError(() => make({ functionName: "bad name!" }), "functionName", /letters, digits, hyphens and underscores/);
      expectPropError(() => make({}, serviceStack("p-dev", devEnv({ DEV_PREFIX: "a.b-" }))), "functionName", /"a\.b-ItemsFunction"/);
    });

    it("refuses invalid alias names and targets that point nowhere", () => {
      expectPropError(() => make({ aliases: { "123": "$LATEST" } }), "aliases.123", /not only digits/);
      expectPropError(() => make({ aliases: { "bad name": "$LATEST" } }), "aliases.bad name", /letters, digits/);
      for (const target of ["0", "-1", "v3", "", "LATEST", "1.0"]) {
        expectPropError(() => make({ aliases: { prod: target } }), "aliases.prod", /"\$LATEST", "latest".*version number/);
      }
    });

    it("refuses an unknown runtime or architecture, and a retention CloudWatch does not offer", () => {
      expectPropError(() => make({ runtime: "nodejs18.x" as never }), "runtime", /nodejs20.x, nodejs22.x, nodejs24.x/);
      expectPropError(() => make({ architecture: "arm" as never }), "architecture", /arm64, x86_64/);
      expectPropError(() => make({ logRetentionDays: 10 }), "logRetentionDays", /1, 3, 5, 7, 14/);
      expectPropError(() => make({ upload: "ftp" as never }), "upload", /"s3".*"direct"/);
      expectPropError(() => make({ description: "d".repeat(257) }), "description", /at most 256/);
    });

    it("refuses reserved or malformed environment variable names", () => {
      expectPropError(() => make({ environment: { AWS_REGION: "x" } }), "environment", /reserved by Lambda/);
      const { fn } = make();
      expectPropError(() => fn.addEnvironment("1BAD", "x"), "environment", /starting with a letter/);
    });

    it("names the construct path, the value and the fix in the message", () => {
      expectPropError(
        () => make({ memorySize: 64 }),
        "memorySize",
        /^items-dev\/ItemsFunction: "memorySize" is 64: use a whole number from 128 to 10240 \(MB\)\.$/,
      );
    });

    it("skips range checks on unresolved tokens", () => {
      const { stack } = make({ memorySize: Token.asNumber({ Ref: "x" }) as number, functionName: Token.asString({ Ref: "n" }) });
      expect(() => synth(stack)).to.not.throw();
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
