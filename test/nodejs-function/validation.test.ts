// Synth-time validation of NodejsFunction props: each mistake throws a PropError naming the prop, value and fix.
import { expect } from "chai";
import { Token } from "cdktf";
import { NodejsFunction } from "../../modules/nodejs-function";
import { DYNAMO_FIXTURE, devEnv, expectPropError, lambdaOf, make, plainStack, serviceStack, synth } from "./support";

describe("nodejs-function: NodejsFunction", () => {
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

});
