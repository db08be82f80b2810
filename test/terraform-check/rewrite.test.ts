// The scratch-copy changes of `npm run terraform-check` (scripts/terraform-check/rewrite.ts),
// on a stack's JSON; the check itself needs Terraform and a provider mirror, so no test runs it.
import { expect } from "chai";
import { fakeState, forPlan, forValidate } from "../../scripts/terraform-check/rewrite";

const stack = () => ({
  terraform: { backend: { s3: { bucket: "state", key: "web-edge-dev/terraform.tfstate" } }, required_providers: { aws: { source: "aws", version: "6.25.0" } } },
  provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111122223333"] }] },
  data: {
    aws_caller_identity: { Caller: {} },
    aws_sns_topic: { Alarms: { name: "dev-alarms" } },
    terraform_remote_state: { edge: { backend: "s3", config: { bucket: "state", key: "platform-dev/terraform.tfstate" }, workspace: "${terraform.workspace}" } },
  },
  resource: {
    aws_cloudwatch_log_delivery_source: { Source: { name: "s", region: "us-east-1" } },
    aws_other: { X: { region: "us-east-1" } },
    aws_s3_bucket: { B: { bucket: "b-${data.aws_caller_identity.Caller.account_id}" } },
    aws_cloudwatch_metric_alarm: { A: { alarm_actions: ["${data.aws_sns_topic.Alarms.arn}"] } },
  },
  output: { name: { value: "${aws_s3_bucket.B.bucket}" } },
});

describe("terraform-check: the scratch copies", () => {
  it("pins the provider, uses a local backend and drops region only where the pinned schema has none", () => {
    const doc = stack();
    const notes = forValidate(doc, "5.100.0", (type) => type === "aws_other");
    expect(doc.terraform.required_providers.aws.version).to.equal("5.100.0");
    expect(doc.terraform.backend).to.deep.equal({ local: { path: "terraform.tfstate" } });
    expect(doc.resource.aws_cloudwatch_log_delivery_source.Source).to.deep.equal({ name: "s" });
    expect(doc.resource.aws_other.X).to.deep.equal({ region: "us-east-1" });
    expect(notes).to.deep.equal(['aws_cloudwatch_log_delivery_source.Source: dropped region = "us-east-1" (a provider 6.x argument)']);
  });

  it("replaces a Terraform Cloud block with the local backend", () => {
    const doc = stack() as ReturnType<typeof stack> & { terraform: { cloud?: unknown } };
    doc.terraform = { required_providers: doc.terraform.required_providers, cloud: { organization: "acme", workspaces: { name: "web-dev" } } } as typeof doc.terraform;
    forValidate(doc, "5.100.0", () => true);
    expect(doc.terraform).to.deep.equal({ required_providers: { aws: { source: "aws", version: "5.100.0" } }, backend: { local: { path: "terraform.tfstate" } } });
  });

  it("leaves region alone when the mirror's version is the pinned one", () => {
    const doc = stack();
    expect(forValidate(doc, undefined, undefined)).to.deep.equal([]);
    expect(doc.resource.aws_cloudwatch_log_delivery_source.Source.region).to.equal("us-east-1");
    expect(doc.terraform.required_providers.aws.version).to.equal("6.25.0");
  });

  it("plans with fake credentials, placeholder remote states and the lookups' answers written in", () => {
    const { doc, notes } = forPlan(stack(), (config) => (config.key === "platform-dev/terraform.tfstate" ? "/states/platform-dev.tfstate" : undefined));
    const p = doc.provider.aws[0];
    expect(p).to.not.have.property("allowed_account_ids");
    expect(p).to.include({ skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true, region: "eu-west-1" });
    expect(doc.resource.aws_s3_bucket.B.bucket).to.equal("b-111122223333");
    expect(doc.resource.aws_cloudwatch_metric_alarm.A.alarm_actions).to.deep.equal(["arn:aws:sns:eu-west-1:111122223333:dev-alarms"]);
    expect(doc.data).to.deep.equal({ terraform_remote_state: { edge: { backend: "local", config: { path: "/states/platform-dev.tfstate" } } } });
    expect(notes).to.have.length(2);
  });

  it("writes a stack's outputs as a state file of placeholders", () => {
    expect(fakeState(stack()).outputs).to.deep.equal({ name: { value: "fake-name", type: "string" } });
    expect(fakeState(stack()).version).to.equal(4);
  });
});
