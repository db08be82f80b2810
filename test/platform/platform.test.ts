import { expect } from "chai";
import { App, Testing, TerraformStack } from "cdktf";
import { loadEnvironment, loadEnvironments } from "../../modules/config/environments";
import { ServiceStack } from "../../modules/core/service-stack";
import { lambdaErrorRateAlarm } from "../../modules/monitoring";
import { SERVICES, defineApp } from "../../modules/services";
import {
  API_GATEWAY_LOG_ACTIONS,
  PlatformStack,
  accessLogsBucketName,
  alarmTopic,
  alarmTopicArn,
  platformRefs,
} from "../../modules/services/platform";
import { StateBootstrapStack } from "../../modules/services/state-bootstrap";
import { bucketNameProblem } from "../../modules/bucket";
import { applyPolicy, type PolicyResult } from "../../modules/policy";
import { env, only, onlyId, ref, resources, type Synthesized } from "../table/support";

/** Logical id of the resource of `type` whose `attr` equals `value`. */
function byName(out: Synthesized, type: string, attr: string, value: string): string {
  const hit = Object.entries(resources(out, type)).find(([, r]) => r[attr] === value);
  if (!hit) throw new Error(`no ${type} with ${attr} ${value}`);
  return hit[0];
}

function synthStack(stack: TerraformStack): Synthesized {
  return JSON.parse(Testing.synth(stack)) as Synthesized;
}

function platformOut(vars: Record<string, string> = {}, name: "dev" | "prod" = "dev") {
  const app = Testing.app();
  const stack = new PlatformStack(app as App, loadEnvironment(name, vars));
  return { stack, out: synthStack(stack) };
}

describe("platform stack", () => {
  it("exposes the names service stacks reference, without tokens", () => {
    expect(platformRefs(env("dev"))).to.deep.equal({
      stackId: "platform-dev",
      artifactsBucket: "dev-cdktf-rest-platform-artifacts",
      accessLogsBucket: "dev-cdktf-rest-platform-artifacts-access-logs",
      alarmTopicName: "dev-alarms",
      apiGatewayCloudWatchRoleName: "dev-apigateway-cloudwatch",
    });
    expect(platformRefs(env("prod", { PROD_ARTIFACTS_BUCKET: "acme-artifacts" })).artifactsBucket).to.equal("acme-artifacts");
  });

  it("keeps its state in the environment's backend under platform-<env>", () => {
    const { stack, out } = platformOut();
    expect(stack.node.id).to.equal("platform-dev");
    expect((out.terraform!.backend as Record<string, Record<string, unknown>>).s3).to.deep.include({
      key: "platform-dev/terraform.tfstate",
      bucket: "cdktf-rest-platform-state-dev",
    });
  });

  it("creates the artifacts bucket named exactly env.artifactsBucket, with the bucket module's safe defaults", () => {
    const { out } = platformOut({ DEV_ARTIFACTS_BUCKET: "acme-dev-artifacts" });
    const id = byName(out, "aws_s3_bucket", "bucket", "acme-dev-artifacts");
    expect(resources(out, "aws_s3_bucket")[id]).to.deep.equal({ bucket: "acme-dev-artifacts", force_destroy: false });
    const bucketRef = `\${aws_s3_bucket.${id}.bucket}`;
    const companion = (type: string) => Object.values(resources(out, type)).find((r) => r.bucket === bucketRef)!;
    expect(companion("aws_s3_bucket_public_access_block")).to.deep.include({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(companion("aws_s3_bucket_versioning").versioning_configuration).to.deep.equal({ status: "Enabled" });
    expect(companion("aws_s3_bucket_ownership_controls").rule).to.deep.equal({ object_ownership: "BucketOwnerEnforced" });
    expect(companion("aws_s3_bucket_server_side_encryption_configuration")).to.have.property("rule");
    expect(JSON.parse(companion("aws_s3_bucket_policy").policy as string).Statement).to.have.length(1);
    const rules = companion("aws_s3_bucket_lifecycle_configuration").rule as Record<string, unknown>[];
    expect(rules.map((r) => r.id)).to.deep.equal(["abort-incomplete-multipart-uploads", "expire-noncurrent-versions"]);
    expect(out.output!.artifacts_bucket!.value).to.equal(bucketRef);
  });

  it("delivers the artifacts bucket's access logs to <artifacts>-access-logs, which expires them after the log retention", () => {
    const { out } = platformOut({ DEV_ARTIFACTS_BUCKET: "acme-dev-artifacts", DEV_LOG_RETENTION_DAYS: "30" });
    const logsId = byName(out, "aws_s3_bucket", "bucket", "acme-dev-artifacts-access-logs");
    const logsRef = `\${aws_s3_bucket.${logsId}.bucket}`;
    expect(only(out, "aws_s3_bucket_logging")).to.deep.include({ target_bucket: logsRef, target_prefix: "artifacts/" });
    const logsPolicy = Object.values(resources(out, "aws_s3_bucket_policy")).find((r) => r.bucket === logsRef)!;
    const sids = JSON.parse(logsPolicy.policy as string).Statement.map((st: { Sid: string }) => st.Sid);
    expect(sids).to.deep.equal(["DenyInsecureTransport", "AllowServerAccessLogDelivery", "AllowVendedLogDelivery"]);
    const lifecycle = Object.values(resources(out, "aws_s3_bucket_lifecycle_configuration")).find((r) => r.bucket === logsRef)!;
    expect(lifecycle.rule).to.deep.include({ id: "expire-objects", status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: 30 }] });
  });

  it("keeps the access-log bucket name within S3's 63 characters", () => {
    expect(accessLogsBucketName("dev-cdktf-rest-platform-artifacts")).to.equal("dev-cdktf-rest-platform-artifacts-access-logs");
    const long = accessLogsBucketName(`${"a".repeat(50)}-b.c`);
    expect(long).to.have.length.at.most(63);
    expect(bucketNameProblem(long)).to.equal(undefined);
  });

  it("passes every policy rule, with the log bucket's own access logging suppressed with a reason", () => {
    const app = Testing.app();
    const stack = new PlatformStack(app as App, env("prod"));
    let result: PolicyResult | undefined;
    applyPolicy(stack, { failOn: "warning", onResult: (r) => (result = r) });
    Testing.synth(stack, true);
    expect(result!.findings).to.deep.equal([]);
    expect(result!.suppressed.map((f) => [f.ruleId, f.suppressedAt])).to.deep.equal([["S3_6", "platform-prod/AccessLogs"]]);
  });

  it("gives API Gateway a CloudWatch role it alone can assume, with an inline logs policy and no managed policy", () => {
    const { out } = platformOut();
    const role = only(out, "aws_iam_role");
    expect(role.name).to.equal("dev-apigateway-cloudwatch");
    expect(role).to.not.have.any.keys("managed_policy_arns", "inline_policy");
    expect(JSON.parse(role.assume_role_policy as string)).to.deep.equal({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    expect(resources(out, "aws_iam_role_policy_attachment")).to.deep.equal({});
    const policy = only(out, "aws_iam_role_policy");
    expect(policy.role).to.equal(ref(out, "aws_iam_role", "id"));
    const partition = "${data.aws_partition.Partition.partition}";
    const account = "${data.aws_caller_identity.Caller.account_id}";
    expect(out.data!.aws_caller_identity).to.have.property("Caller");
    expect(JSON.parse(policy.policy as string)).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "PushToCloudWatchLogs",
          Effect: "Allow",
          Action: [
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:DescribeLogGroups",
            "logs:DescribeLogStreams",
            "logs:FilterLogEvents",
            "logs:GetLogEvents",
            "logs:PutLogEvents",
          ],
          Resource: `arn:${partition}:logs:us-east-1:${account}:*`,
        },
      ],
    });
    expect(API_GATEWAY_LOG_ACTIONS).to.have.length(7);
  });

  it("sets exactly one aws_api_gateway_account, using the role once its policy exists", () => {
    const { out } = platformOut();
    const account = only(out, "aws_api_gateway_account");
    expect(account.cloudwatch_role_arn).to.equal(ref(out, "aws_iam_role", "arn"));
    expect(account.depends_on).to.deep.equal([`aws_iam_role_policy.${onlyId(out, "aws_iam_role_policy")}`]);
  });

  it("creates the <prefix>alarms topic with an email subscription to env.alarmEmail", () => {
    const { out } = platformOut({ DEV_ALARM_EMAIL: "oncall@example.com" });
    expect(only(out, "aws_sns_topic")).to.deep.equal({ name: "dev-alarms" });
    expect(only(out, "aws_sns_topic_subscription")).to.deep.equal({
      topic_arn: ref(out, "aws_sns_topic", "arn"),
      protocol: "email",
      endpoint: "oncall@example.com",
    });
    expect(out.output!.alarm_topic_arn!.value).to.equal(ref(out, "aws_sns_topic", "arn"));
  });

  it("rejects an alarm email that is not an address, naming the variable to set", () => {
    expect(() => platformOut({ DEV_ALARM_EMAIL: "ops team" })).to.throw(
      'platform-dev: "alarmEmail" is "ops team": give a plain address such as no-reply@example.com (no display name, no spaces). Set DEV_ALARM_EMAIL.',
    );
  });

  it("lets service stacks look the alarm topic up by name, once per stack", () => {
    const app = Testing.app();
    const dev = env("dev");
    const stack = new ServiceStack(app as App, "todos-dev", dev, { backend: { kind: "local" } });
    const a = alarmTopic(stack, dev);
    lambdaErrorRateAlarm(stack, "Errors", { functionName: "dev-todos", topicArn: alarmTopicArn(stack, dev) });
    expect(alarmTopic(stack, dev)).to.equal(a);
    const out = synthStack(stack);
    expect(out.data!.aws_sns_topic).to.deep.equal({ PlatformAlarmTopic: { name: "dev-alarms" } });
    expect(only(out, "aws_cloudwatch_metric_alarm").alarm_actions).to.deep.equal(["${data.aws_sns_topic.PlatformAlarmTopic.arn}"]);
    expect(resources(out, "aws_sns_topic")).to.deep.equal({});
  });
});

describe("state-bootstrap stack", () => {
  it("keeps local state and creates the S3 state bucket with safe defaults and prevent_destroy", () => {
    const app = Testing.app();
    const stack = new StateBootstrapStack(app as App, env("prod", { PROD_STATE_BUCKET: "acme-tf-state" }));
    const out = synthStack(stack);
    expect(stack.node.id).to.equal("state-bootstrap-prod");
    expect(out.terraform!.backend).to.deep.equal({ local: { path: "terraform.state-bootstrap-prod.tfstate" } });
    const bucket = only(out, "aws_s3_bucket");
    expect(bucket).to.deep.include({ bucket: "acme-tf-state", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(bucket).to.not.have.property("region");
    expect(only(out, "aws_s3_bucket_versioning").versioning_configuration).to.deep.equal({ status: "Enabled" });
    expect(only(out, "aws_s3_bucket_server_side_encryption_configuration").rule).to.deep.equal([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(only(out, "aws_s3_bucket_public_access_block")).to.deep.include({ block_public_acls: true, restrict_public_buckets: true });
    const tls = JSON.parse(only(out, "aws_s3_bucket_policy").policy as string).Statement[0];
    expect(tls.Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
  });

  it("passes every policy rule, its missing access logging suppressed with a reason", () => {
    const app = Testing.app();
    const stack = new StateBootstrapStack(app as App, env("dev"));
    let result: PolicyResult | undefined;
    applyPolicy(stack, { failOn: "warning", onResult: (r) => (result = r) });
    Testing.synth(stack, true);
    expect(result!.findings).to.deep.equal([]);
    expect(result!.suppressed.map((f) => [f.ruleId, f.suppressedAt])).to.deep.equal([["S3_6", "state-bootstrap-dev/StateBucket"]]);
  });

  it("creates the bucket in the backend's region when it differs from the environment's", () => {
    const app = Testing.app();
    const stack = new StateBootstrapStack(app as App, env("dev", { DEV_STATE_REGION: "eu-central-1" }));
    const out = synthStack(stack);
    expect(only(out, "aws_s3_bucket").region).to.equal("eu-central-1");
    expect(only(out, "aws_s3_bucket_versioning").region).to.equal("eu-central-1");
  });

  it("refuses environments whose state is not in S3", () => {
    const app = Testing.app();
    expect(() => new StateBootstrapStack(app as App, env("dev", { TF_CLOUD_ORGANIZATION: "acme" }))).to.throw(
      'state-bootstrap-dev: "backend.kind" is "cloud": the state-bootstrap stack creates the S3 state bucket: add it only for environments whose backend is s3.',
    );
  });
});

describe("defineApp", () => {
  function stacksOf(app: App): TerraformStack[] {
    return app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  }

  it("synthesizes dev and prod with a state-bootstrap and a platform stack each, and one aws_api_gateway_account per environment", () => {
    const app = Testing.app();
    const defined = defineApp(app as App, loadEnvironments({}));
    expect(defined.map((d) => d.env.name)).to.deep.equal(["dev", "prod"]);
    const ids = stacksOf(app as App).map((s) => s.node.id);
    expect(ids).to.include.members(["state-bootstrap-dev", "platform-dev", "state-bootstrap-prod", "platform-prod", "web-edge-dev", "web-edge-prod", "web-dev", "web-prod"]);
    expect(ids).to.have.length(8 + SERVICES.length * 2);

    const accounts: Record<string, number> = { dev: 0, prod: 0 };
    for (const stack of stacksOf(app as App)) {
      const out = synthStack(stack);
      const envName = stack.node.id.split("-").pop()!;
      accounts[envName] = (accounts[envName] ?? 0) + Object.keys(resources(out, "aws_api_gateway_account")).length;
    }
    expect(accounts).to.deep.equal({ dev: 1, prod: 1 });
    for (const d of defined) {
      expect(d.services).to.have.length(SERVICES.length);
      // the site's distribution comes before the services (they read its origin), and reads nothing of theirs
      expect(d.webEdge!.dependencies).to.deep.equal([d.platform]);
      for (const service of d.services) expect(service.dependencies, service.node.id).to.deep.equal([d.platform, d.webEdge]);
      // the site's files come last: they read every service's invoke URLs, and nothing reads them
      expect(d.web!.dependencies.map((s) => s.node.id).sort()).to.deep.equal([...d.services.map((s) => s.node.id), d.platform.node.id, d.webEdge!.node.id].sort());
    }
    expect(defined[0]!.platform.node.id).to.equal("platform-dev");
    expect(defined[1]!.stateBootstrap!.node.id).to.equal("state-bootstrap-prod");
  });

  it("adds no state-bootstrap stack for Terraform Cloud environments", () => {
    const app = Testing.app();
    const defined = defineApp(app as App, loadEnvironments({ TF_CLOUD_ORGANIZATION: "acme" }));
    expect(defined.every((d) => d.stateBootstrap === undefined)).to.equal(true);
    expect(stacksOf(app as App).map((s) => s.node.id)).to.not.include("state-bootstrap-dev");
  });

  it("makes every service stack depend on its environment's platform stack", () => {
    const app = Testing.app();
    const defined = defineApp(app as App, [env("dev")], [
      (a, e, platform) => {
        const stack = new ServiceStack(a, `demo-${e.name}`, e);
        lambdaErrorRateAlarm(stack, "Errors", { functionName: "demo", topicArn: alarmTopicArn(stack, e) });
        expect(platform.refs.alarmTopicName).to.equal("dev-alarms");
        return stack;
      },
    ]);
    const demo = defined[0]!.services[0]!;
    expect(demo.dependencies).to.deep.equal([defined[0]!.platform]);
    expect(defined[0]!.platform.dependencies).to.deep.equal([]);
    expect(synthStack(demo).data!.aws_sns_topic).to.deep.equal({ PlatformAlarmTopic: { name: "dev-alarms" } });
  });
});

describe("the API Gateway account setting: one environment per account and region", () => {
  it("pins every stack's provider to the environment's account (allowed_account_ids)", () => {
    const app = Testing.app();
    defineApp(app as App, loadEnvironments({ DEV_ACCOUNT_ID: "123456789012" }));
    for (const stack of app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack)) {
      const provider = (synthStack(stack) as unknown as { provider: { aws: { allowed_account_ids: string[] }[] } }).provider.aws[0]!;
      const expected = stack.node.id.endsWith("-dev") ? "123456789012" : loadEnvironment("prod", {}).accountId;
      expect(provider.allowed_account_ids, stack.node.id).to.deep.equal([expected]);
    }
  });

  it("refuses two environments that both manage the setting of one account and region, naming both and the fix", () => {
    const app = Testing.app();
    let error: unknown;
    try {
      defineApp(app as App, loadEnvironments({ DEV_ACCOUNT_ID: "123456789012", PROD_ACCOUNT_ID: "123456789012" }));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error);
    const message = (error as Error).message;
    expect(message).to.include('"dev" and "prod" both manage the API Gateway account setting of account 123456789012 in us-east-1');
    expect(message).to.include("PROD_MANAGE_API_GATEWAY_ACCOUNT=false");
  });

  it("lets one of two environments in one account leave the setting to the other", () => {
    const app = Testing.app();
    const defined = defineApp(
      app as App,
      loadEnvironments({ DEV_ACCOUNT_ID: "123456789012", PROD_ACCOUNT_ID: "123456789012", PROD_MANAGE_API_GATEWAY_ACCOUNT: "false" }),
    );
    const count = (stack: TerraformStack) => Object.keys(resources(synthStack(stack), "aws_api_gateway_account")).length;
    expect(defined.map((d) => count(d.platform))).to.deep.equal([1, 0]);
    expect(defined[1]!.platform.apiGatewayCloudWatchRole).to.equal(undefined);
    expect(Object.keys(resources(synthStack(defined[1]!.platform), "aws_iam_role"))).to.deep.equal([]);
  });

  it("accepts two environments managing their own setting in different regions of one account", () => {
    const app = Testing.app();
    const vars = { DEV_ACCOUNT_ID: "123456789012", PROD_ACCOUNT_ID: "123456789012", PROD_REGION: "eu-west-1" };
    expect(defineApp(app as App, loadEnvironments(vars)).map((d) => d.platform.apiGatewayAccount !== undefined)).to.deep.equal([true, true]);
  });

  it("refuses an account id that is not 12 digits", () => {
    expect(() => loadEnvironment("dev", { DEV_ACCOUNT_ID: "12345" })).to.throw('DEV_ACCOUNT_ID is "12345": expected a 12-digit AWS account id');
  });
});
