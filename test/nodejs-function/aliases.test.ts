// The function's aliases: one aws_lambda_alias per name, alias() references and stage-variable targets.
import { expect } from "chai";
import { Token } from "cdktf";
import { devEnv, expectPropError, make, resolveVia, serviceStack, synth, type Json } from "./support";

describe("nodejs-function: NodejsFunction", () => {
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

});
