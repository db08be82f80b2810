/** modules/queue and the asynchronous-invocation options of NodejsFunction (asyncInvoke, grantInvoke). */
import { expect } from "chai";
import { PropError } from "../../modules/core/errors";
import { NodejsFunction } from "../../modules/nodejs-function";
import { Queue } from "../../modules/queue";
import { DYNAMO_FIXTURE, only, policyOf, serviceStack, synth, type Json } from "../nodejs-function/support";

function propError(fn: () => unknown): PropError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(PropError);
    return err as PropError;
  }
  throw new Error("no PropError was thrown");
}

describe("Queue", () => {
  it("is an SQS queue named for the environment, encrypted with SQS-managed keys, kept 14 days", () => {
    const stack = serviceStack();
    new Queue(stack, "Failures");
    expect(only(synth(stack), "aws_sqs_queue")).to.include({ name: "dev-Failures", sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
  });

  it("refuses a bad name or retention with a PropError naming the prop", () => {
    expect(propError(() => new Queue(serviceStack(), "Q", { queueName: "has space" })).prop).to.equal("queueName");
    for (const retentionSeconds of [59, 1_209_601, 1.5]) {
      expect(propError(() => new Queue(serviceStack(), "Q", { retentionSeconds })).prop).to.equal("retentionSeconds");
    }
  });
});

describe("NodejsFunction asynchronous invocation", () => {
  it("renders an event invoke config with the on-failure destination and lets the role send to it", () => {
    const stack = serviceStack();
    const queue = new Queue(stack, "Failures");
    new NodejsFunction(stack, "Worker", { entry: DYNAMO_FIXTURE, asyncInvoke: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 600, onFailure: queue } });
    const json = synth(stack);
    const config = only(json, "aws_lambda_function_event_invoke_config");
    expect(config).to.include({ maximum_retry_attempts: 0, maximum_event_age_in_seconds: 600 });
    expect(config.destination_config.on_failure.destination).to.match(/^\$\{aws_sqs_queue\.[^.]+\.arn\}$/);
    const statements = policyOf(json).Statement as Json[];
    expect(statements).to.deep.include({ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: config.destination_config.on_failure.destination });
  });

  it("refuses retry attempts or event ages outside Lambda's ranges", () => {
    const stack = serviceStack();
    const onFailure = new Queue(stack, "Failures");
    expect(propError(() => new NodejsFunction(stack, "A", { entry: DYNAMO_FIXTURE, asyncInvoke: { maximumRetryAttempts: 3, onFailure } })).prop).to.equal("asyncInvoke.maximumRetryAttempts");
    expect(propError(() => new NodejsFunction(stack, "B", { entry: DYNAMO_FIXTURE, asyncInvoke: { maximumEventAgeSeconds: 30, onFailure } })).prop).to.equal("asyncInvoke.maximumEventAgeSeconds");
  });

  it("grantInvoke allows lambda:InvokeFunction on exactly the target's unqualified ARN", () => {
    const stack = serviceStack();
    const target = new NodejsFunction(stack, "Target", { entry: DYNAMO_FIXTURE });
    const caller = new NodejsFunction(stack, "Caller", { entry: DYNAMO_FIXTURE });
    target.grantInvoke(caller);
    expect(caller.policyStatements).to.deep.include({ actions: ["lambda:InvokeFunction"], resources: [target.arn] });
    expect(target.policyStatements.some((s) => s.actions.includes("lambda:InvokeFunction"))).to.equal(false);
  });
});
