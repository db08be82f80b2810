/**
 * The local Lambda Invoke API (scripts/local/lambda-api.ts), over real function workers
 * (workers.ts) running a fixture handler, called with @aws-sdk/client-lambda.
 *
 * Facts checked against AWS:
 * - AWS Lambda API Reference, Invoke: the response's StatusCode is 200 for RequestResponse,
 *   202 for Event and 204 for DryRun; `X-Amz-Function-Error` is set when the function
 *   failed, `X-Amz-Executed-Version` names the version that ran; ResourceNotFoundException
 *   is a 404, InvalidRequestContentException a 400.
 * - LocalStack's AWS-validated recordings, tests/aws/services/lambda_/test_lambda.snapshot.json:
 *   `TestLambdaFeatures::test_basic_invoke` (`ExecutedVersion: "$LATEST"`, `StatusCode: 200`)
 *   and `TestLambdaBehavior::test_lambda_invoke_with_timeout` (recorded 25-11-2025):
 *   `FunctionError: "Unhandled"`, `StatusCode: 200`, payload `errorType: "Sandbox.Timedout"`,
 *   `errorMessage: "RequestId: <id> Error: Task timed out after 1.00 seconds"`.
 * - AWS Lambda Developer Guide, "Configuring destinations for asynchronous invocation": the
 *   on-failure record carries `requestContext.condition: "RetriesExhausted"`,
 *   `approximateInvokeCount`, `requestPayload`, `responseContext.functionError` and
 *   `responsePayload`.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { startLambdaApi, type LambdaApi } from "../../scripts/local/lambda-api";
import { FunctionRunner } from "../../scripts/local/workers";
import type { FunctionModel } from "../../scripts/local/model/types";
import { functionModel } from "../support/lambda";

const CODE = path.resolve(import.meta.dirname, "fixtures", "handlers", "invokable");
const ARN = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const decode = (p?: Uint8Array) => JSON.parse(new TextDecoder().decode(p)) as Record<string, unknown>;

describe("local Lambda Invoke API", function () {
  this.timeout(30_000);
  let api: LambdaApi;
  let dir: string;
  let record: string;
  const runners = new Map<string, FunctionRunner>();
  const functions: FunctionModel[] = [];

  function lines(): { event: Record<string, unknown>; version: string; arn: string }[] {
    return existsSync(record) ? readFileSync(record, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [];
  }

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !check(); i += 1) await new Promise((r) => setTimeout(r, 20));
  }

  const client = (asFunction?: string) =>
    new LambdaClient({
      endpoint: api.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local", ...(asFunction ? { sessionToken: api.sessionToken(asFunction) } : {}) },
      maxAttempts: 1,
    });

  before(async function () {
    dir = mkdtempSync(path.join(os.tmpdir(), "lambda-api-"));
    record = path.join(dir, "invocations.jsonl");
    functions.push(
      { ...functionModel("target", { timeoutSeconds: 1 }), aliases: new Map([["live", "1"]]), version: "1", environment: { RECORD_FILE: record } },
      functionModel("retrying", { asyncInvoke: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 60, onFailure: "arn:aws:sqs:us-east-1:123456789012:failures" } }),
      functionModel("caller", { rolePolicies: [JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: ARN("target") }] })] }),
      functionModel("denied", {
        rolePolicies: [
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "lambda:*", Resource: "*" },
              { Effect: "Deny", Action: "lambda:InvokeFunction", Resource: ARN("target") },
            ],
          }),
        ],
      }),
      functionModel("stranger"),
    );
    Object.assign(functions[1]!, { environment: { RECORD_FILE: record } });
    api = await startLambdaApi(
      {
        functions: () => functions,
        permissions: () => [{ functionName: "retrying", principal: "arn:aws:iam::123456789012:role/stranger-role", action: "lambda:InvokeFunction" }],
        runner: (name, version) => {
          const fn = functions.find((f) => f.functionName === name);
          if (!fn || name === "caller" || name === "denied" || name === "stranger") return undefined;
          const key = `${name}:${version}`;
          if (!runners.has(key)) runners.set(key, new FunctionRunner(fn, version, CODE, { PATH: process.env.PATH ?? "", ...fn.environment }, () => undefined));
          return runners.get(key);
        },
      },
      { failureDir: path.join(dir, "failures"), log: () => undefined, retryDelaysMs: [10, 10] },
    );
  });

  after(async function () {
    await api?.idle();
    await Promise.all([...runners.values()].map((r) => r.close(true)));
    await api?.close();
  });

  it("RequestResponse: 200 with the handler's result and the executed version", async function () {
    const out = await client().send(new InvokeCommand({ FunctionName: "target", Payload: JSON.stringify({ n: 1 }) }));
    expect(out.StatusCode).to.equal(200);
    expect(out.FunctionError).to.equal(undefined);
    expect(out.ExecutedVersion).to.equal("$LATEST");
    expect(decode(out.Payload)).to.deep.equal({ received: { n: 1 }, version: "$LATEST" });
  });

  it("resolves a qualifier: an alias runs its version, with the qualified ARN in the context", async function () {
    const out = await client().send(new InvokeCommand({ FunctionName: "target", Qualifier: "live", Payload: JSON.stringify({ n: 2 }) }));
    expect(out.ExecutedVersion).to.equal("1");
    expect(decode(out.Payload)).to.deep.include({ version: "1" });
    expect(lines().at(-1)!.arn).to.equal(`${ARN("target")}:live`);
  });

  it("a handler error: 200 with X-Amz-Function-Error Unhandled and the error as payload", async function () {
    const out = await client().send(new InvokeCommand({ FunctionName: ARN("target"), Payload: JSON.stringify({ action: "throw" }) }));
    expect(out.StatusCode).to.equal(200);
    expect(out.FunctionError).to.equal("Unhandled");
    expect(decode(out.Payload)).to.include({ errorType: "TypeError", errorMessage: "the handler threw" });
  });

  it("a timeout: Sandbox.Timedout with Lambda's message, as recorded from AWS", async function () {
    const out = await client().send(new InvokeCommand({ FunctionName: "target", Payload: JSON.stringify({ action: "sleep" }) }));
    expect(out.StatusCode).to.equal(200);
    expect(out.FunctionError).to.equal("Unhandled");
    const payload = decode(out.Payload);
    expect(payload.errorType).to.equal("Sandbox.Timedout");
    expect(payload.errorMessage).to.match(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
  });

  it("Event: 202 at once, and the invocation runs in the function's workers", async function () {
    const before = lines().length;
    const out = await client().send(new InvokeCommand({ FunctionName: "target", InvocationType: "Event", Payload: JSON.stringify({ job: "async-1" }) }));
    expect(out.StatusCode).to.equal(202);
    expect(out.Payload?.length ?? 0).to.equal(0);
    await api.idle();
    expect(lines().slice(before).map((l) => l.event)).to.deep.equal([{ job: "async-1" }]);
  });

  it("Event on a failing function: retried per its event invoke config, then an on-failure record", async function () {
    const before = lines().length;
    const out = await client().send(new InvokeCommand({ FunctionName: "retrying", InvocationType: "Event", Payload: JSON.stringify({ action: "throw", id: 7 }) }));
    expect(out.StatusCode).to.equal(202);
    await api.idle();
    expect(lines().slice(before)).to.have.length(3);
    const file = path.join(dir, "failures", "retrying.jsonl");
    await until(() => existsSync(file));
    const failure = JSON.parse(readFileSync(file, "utf8").trim().split("\n").at(-1)!) as Record<string, Record<string, unknown>>;
    expect(failure.requestContext).to.include({ condition: "RetriesExhausted", approximateInvokeCount: 3, functionArn: ARN("retrying") });
    expect(failure.requestPayload).to.deep.equal({ action: "throw", id: 7 });
    expect(failure.responseContext).to.include({ functionError: "Unhandled" });
    expect(failure.responsePayload).to.include({ errorType: "TypeError" });
    expect(failure.destination).to.equal("arn:aws:sqs:us-east-1:123456789012:failures");
  });

  it("DryRun: 204 after the checks, nothing runs", async function () {
    const before = lines().length;
    const out = await client().send(new InvokeCommand({ FunctionName: "target", InvocationType: "DryRun" }));
    expect(out.StatusCode).to.equal(204);
    expect(lines().length).to.equal(before);
  });

  it("an unknown function is ResourceNotFoundException (404) naming its ARN; a body that is not JSON is InvalidRequestContentException (400)", async function () {
    const missing = await client()
      .send(new InvokeCommand({ FunctionName: "nope" }))
      .catch((e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } });
    expect(missing).to.include({ name: "ResourceNotFoundException", message: `Function not found: ${ARN("nope")}` });
    expect((missing as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).to.equal(404);
    const raw = await fetch(`${api.endpoint}/2015-03-31/functions/target/invocations`, { method: "POST", body: "{not json" });
    expect(raw.status).to.equal(400);
    expect(raw.headers.get("x-amzn-errortype")).to.equal("InvalidRequestContentException");
    expect(((await raw.json()) as { message: string }).message).to.match(/^Could not parse request body into json/);
  });

  it("a malformed %-escape in the function name is a 400 ValidationException, not a 500", async function () {
    const res = await fetch(`${api.endpoint}/2015-03-31/functions/%ff/invocations`, { method: "POST", body: "{}" });
    expect(res.status).to.equal(400);
    expect(res.headers.get("x-amzn-errortype")).to.equal("ValidationException");
    expect(((await res.json()) as { message: string }).message).to.match(/^1 validation error detected: Value '%ff' at 'functionName'/);
    expect((await fetch(`${api.endpoint}/2015-03-31/functions/target/invocations`, { method: "POST", body: "{}" })).status).to.equal(200);
  });

  describe("IAM, as Lambda checks a caller in the same account", function () {
    it("lets a function whose role allows lambda:InvokeFunction on the target invoke it", async function () {
      const out = await client("caller").send(new InvokeCommand({ FunctionName: "target", InvocationType: "Event", Payload: "{}" }));
      expect(out.StatusCode).to.equal(202);
    });

    it("refuses a function without such a grant, or on another resource (a qualified ARN), with AccessDeniedException (403)", async function () {
      for (const [as, name, qualifier] of [["stranger", "target", undefined], ["caller", "target", "live"], ["caller", "retrying", undefined]] as const) {
        const err = await client(as)
          .send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier, Payload: "{}" }))
          .then(() => undefined, (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } });
        expect(err, `${as} → ${name}:${qualifier ?? ""}`).to.not.equal(undefined);
        expect(err!.name).to.equal("AccessDeniedException");
        expect(err!.$metadata.httpStatusCode).to.equal(403);
        expect(err!.message).to.equal(
          `User: arn:aws:sts::123456789012:assumed-role/${as}-role/${as} is not authorized to perform: lambda:InvokeFunction on resource: ${ARN(name)}${qualifier ? `:${qualifier}` : ""} because no identity-based policy allows the lambda:InvokeFunction action`,
        );
      }
    });

    it("an explicit Deny wins over an Allow", async function () {
      const err = await client("denied")
        .send(new InvokeCommand({ FunctionName: "target", Payload: "{}" }))
        .then(() => undefined, (e: unknown) => e as { name: string; message: string });
      expect(err?.name).to.equal("AccessDeniedException");
      expect(err?.message).to.match(/with an explicit deny in an identity-based policy$/);
    });

    it("a resource-based permission naming the caller's role lets it invoke without an identity grant", async function () {
      const out = await client("stranger").send(new InvokeCommand({ FunctionName: "retrying", Payload: JSON.stringify({ ok: true }) }));
      expect(out.StatusCode).to.equal(200);
      expect(out.FunctionError).to.equal(undefined);
    });
  });
});
