// A new environment prefix renames every function (`DEV_PREFIX=qa-`: dev-ItemsFunction
// becomes qa-ItemsFunction); the API must redeploy, or its stages keep calling the old names.
import { expect } from "chai";
import { ItemsCatalogStack } from "../../modules/services";
import { build, Synth, testEnv } from "./support";

const trigger = (vars: Record<string, string>) =>
  new Synth(build((app, env, props) => new ItemsCatalogStack(app, env, props), testEnv("dev", vars))).one("aws_api_gateway_deployment").triggers
    .redeployment as string;

describe("services: a prefix change redeploys the API", () => {
  it("keeps the items API's trigger for an unchanged environment and changes it with DEV_PREFIX=qa-", () => {
    const base = trigger({});
    expect(trigger({})).to.equal(base);
    expect(trigger({ DEV_PREFIX: "qa-" })).to.not.equal(base);
  });
});
