import { expect } from "chai";
import { App, Testing } from "cdktf";
import { loadEnvironment } from "../modules/config/environments";
import { ServiceStack } from "../modules/core/service-stack";

function synthBackend(vars: Record<string, string>) {
  const app = Testing.app();
  const stack = new ServiceStack(app as App, "todos-dev", loadEnvironment("dev", vars));
  return JSON.parse(Testing.synth(stack)).terraform;
}

describe("backend", () => {
  it("stores state in S3 under <stack>/terraform.tfstate, encrypted, with the S3 lock file", () => {
    const backend = synthBackend({ DEV_STATE_BUCKET: "acme-state" });
    expect(backend.backend.s3).to.deep.include({
      bucket: "acme-state",
      key: "todos-dev/terraform.tfstate",
      region: "us-east-1",
      encrypt: true,
      use_lockfile: true,
    });
  });

  it("uses one Terraform Cloud workspace per stack when an organization is set", () => {
    const { cloud, backend } = synthBackend({ TF_CLOUD_ORGANIZATION: "acme", DEV_TF_WORKSPACE_PREFIX: "rest-" });
    expect(backend).to.equal(undefined);
    expect(cloud).to.deep.include({ organization: "acme", hostname: "app.terraform.io" });
    expect(cloud.workspaces).to.deep.equal({ name: "rest-todos-dev" });
  });
});
