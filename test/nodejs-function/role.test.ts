// The function's execution role: trust policy, least-privilege logging, and grants made after construction.
import { expect } from "chai";
import { NodejsFunction } from "../../modules/nodejs-function";
import { DYNAMO_FIXTURE, expectPropError, lambdaOf, make, only, policyOf, synth } from "./support";

describe("nodejs-function: NodejsFunction", () => {
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

});
