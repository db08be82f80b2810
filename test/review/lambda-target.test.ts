import { expect } from "chai";
import type { StackJson } from "../../modules/policy";
import { lambdaTargetOf } from "../../scripts/review/api-model";

const stack: StackJson = {
  resource: {
    aws_lambda_function: { fn: { function_name: "dev-Items" } },
    aws_lambda_alias: { prod: { name: "prod", function_name: "${aws_lambda_function.fn.function_name}" } },
  },
};

describe("lambdaTargetOf (integration URI → function and alias)", () => {
  it("reads the function from its invoke ARN ($LATEST, no alias)", () => {
    expect(lambdaTargetOf(stack, "${aws_lambda_function.fn.invoke_arn}")).to.deep.equal({ function: "dev-Items" });
  });

  it("reads a fixed alias from the alias's invoke ARN", () => {
    expect(lambdaTargetOf(stack, "${aws_lambda_alias.prod.invoke_arn}")).to.deep.equal({ function: "dev-Items", alias: "prod" });
  });

  it("reads the stage variable that chooses the alias, escaped or not", () => {
    const uri = (v: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/\${aws_lambda_function.fn.arn}:${v}/invocations`;
    expect(lambdaTargetOf(stack, uri("$${stageVariables.lambdaAlias}"))).to.deep.equal({ function: "dev-Items", aliasVariable: "lambdaAlias" });
    expect(lambdaTargetOf(stack, uri("${stageVariables.lambdaAlias}"))).to.deep.equal({ function: "dev-Items", aliasVariable: "lambdaAlias" });
  });

  it("reads literal ARNs, qualified or not, and ignores non-Lambda URIs", () => {
    const arn = (q: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:legacy${q}/invocations`;
    expect(lambdaTargetOf(stack, arn(""))).to.deep.equal({ function: "legacy" });
    expect(lambdaTargetOf(stack, arn(":live"))).to.deep.equal({ function: "legacy", alias: "live" });
    expect(lambdaTargetOf(stack, "https://example.com/{proxy}")).to.equal(undefined);
  });
});
