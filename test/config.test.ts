import { expect } from "chai";
import { loadEnvironment, loadEnvironments } from "../modules/config/environments";

describe("environment config", () => {
  it("defaults to dev then prod, dev first", () => {
    const envs = loadEnvironments({});
    expect(envs.map((e) => e.name)).to.deep.equal(["dev", "prod"]);
    expect(envs[0]!.prefix).to.equal("dev-");
  });

  it("lets <ENV>_<KEY> variables override values", () => {
    const env = loadEnvironment("prod", { PROD_REGION: "eu-west-1", PROD_WEB_ORIGINS: "https://a.example, https://b.example" });
    expect(env.region).to.equal("eu-west-1");
    expect(env.webOrigins).to.deep.equal(["https://a.example", "https://b.example"]);
  });

  it("uses an S3 backend unless TF_CLOUD_ORGANIZATION is set", () => {
    expect(loadEnvironment("dev", {}).backend.kind).to.equal("s3");
    const cloud = loadEnvironment("dev", { TF_CLOUD_ORGANIZATION: "acme" }).backend;
    expect(cloud).to.include({ kind: "cloud", organization: "acme" });
  });

  it("rejects malformed values with the variable name and the expectation", () => {
    expect(() => loadEnvironment("dev", { DEV_LOG_RETENTION_DAYS: "soon" })).to.throw(
      /DEV_LOG_RETENTION_DAYS is "soon": expected a non-negative integer/,
    );
    expect(() => loadEnvironment("dev", { DEV_BACKEND: "cloud" })).to.throw(/TF_CLOUD_ORGANIZATION/);
    expect(() => loadEnvironments({ ENVIRONMENTS: "dev,dev" })).to.throw(/listed twice/);
  });
});
