import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsSnsTopic } from "@cdktf/provider-aws/lib/data-aws-sns-topic";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { Bucket } from "../bucket";
import type { Environment } from "../config/environments";
import { PropError } from "../core/errors";
import { policyDocument } from "../core/grant";
import { ServiceStack, type ServiceStackProps } from "../core/service-stack";
import { emailAddressProblem } from "../email";
import { suppress } from "../policy/suppress";

/**
 * What service stacks know about their environment's platform stack: names only, never
 * cross-stack tokens, so each stack plans and applies on its own (after the platform stack:
 * `stack.addDependency(platform)`).
 */
export interface PlatformRefs {
  /** `platform-<env>` */
  readonly stackId: string;
  /** The artifacts bucket function zips are uploaded to (`env.artifactsBucket`). */
  readonly artifactsBucket: string;
  /** Receives S3 server access logs of the environment's buckets (`serverAccessLogs: { bucket: <this name> }`). */
  readonly accessLogsBucket: string;
  /** `<prefix>alarms`: the SNS topic every alarm notifies. */
  readonly alarmTopicName: string;
  /** `<prefix>apigateway-cloudwatch`: the role API Gateway writes execution and access logs with. */
  readonly apiGatewayCloudWatchRoleName: string;
}

/** `<artifacts bucket>-access-logs`, shortened to fit S3's 63 characters. Pure. */
export function accessLogsBucketName(artifactsBucket: string): string {
  const suffix = "-access-logs";
  return `${artifactsBucket.slice(0, 63 - suffix.length).replace(/[.-]+$/, "")}${suffix}`;
}

/** The platform stack's names for one environment. Pure. */
export function platformRefs(env: Environment): PlatformRefs {
  return {
    stackId: `platform-${env.name}`,
    artifactsBucket: env.artifactsBucket,
    accessLogsBucket: accessLogsBucketName(env.artifactsBucket),
    alarmTopicName: `${env.prefix}alarms`,
    apiGatewayCloudWatchRoleName: `${env.prefix}apigateway-cloudwatch`,
  };
}

/**
 * The log actions of the AWS managed policy AmazonAPIGatewayPushToCloudWatchLogs, granted
 * inline instead (the project attaches no AWS managed policies).
 */
export const API_GATEWAY_LOG_ACTIONS: readonly string[] = [
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:DescribeLogGroups",
  "logs:DescribeLogStreams",
  "logs:FilterLogEvents",
  "logs:GetLogEvents",
  "logs:PutLogEvents",
];

/** Days after which a replaced artifact version is deleted (keys are content-addressed). */
export const ARTIFACT_NONCURRENT_DAYS = 30;

/**
 * The API Gateway account setting (`aws_api_gateway_account`: the CloudWatch role every API
 * of an account and region logs with) is one value per account and region. Two environments
 * managing it in the same account would overwrite each other, and destroying one would break
 * the other's logging: exactly one environment per account and region may manage it.
 */
export function checkApiGatewayAccountOwners(environments: readonly Environment[]): void {
  const owners = new Map<string, Environment>();
  for (const env of environments) {
    if (!env.manageApiGatewayAccount) continue;
    const key = `${env.accountId}/${env.region}`;
    const other = owners.get(key);
    if (other) {
      throw new PropError(
        "defineApp",
        "manageApiGatewayAccount",
        [other.name, env.name],
        `environments "${other.name}" and "${env.name}" both manage the API Gateway account setting of account ${env.accountId} in ${env.region}: set ${env.name.toUpperCase()}_MANAGE_API_GATEWAY_ACCOUNT=false (or ${other.name.toUpperCase()}_...) so that one of them does.`,
      );
    }
    owners.set(key, env);
  }
}

/**
 * One per environment: the artifacts bucket (and the bucket its access logs go to), the API
 * Gateway account's CloudWatch role and its `aws_api_gateway_account` (when the environment
 * manages its account's setting, see {@link checkApiGatewayAccountOwners}; never in a service
 * stack), and the SNS topic alarms notify, with an email subscription.
 */
export class PlatformStack extends ServiceStack {
  readonly refs: PlatformRefs;
  readonly artifacts: Bucket;
  readonly accessLogs: Bucket;
  /** Only when the environment manages its account's API Gateway setting. */
  readonly apiGatewayCloudWatchRole?: IamRole;
  /** Only when the environment manages its account's API Gateway setting. */
  readonly apiGatewayAccount?: ApiGatewayAccount;
  readonly alarmTopic: SnsTopic;

  constructor(scope: Construct, env: Environment, props: ServiceStackProps = {}) {
    const refs = platformRefs(env);
    super(scope, refs.stackId, env, props);
    this.refs = refs;

    const problem = emailAddressProblem(env.alarmEmail);
    if (problem) throw new PropError(this, "alarmEmail", env.alarmEmail, `${problem} Set ${env.name.toUpperCase()}_ALARM_EMAIL.`);

    this.accessLogs = new Bucket(this, "AccessLogs", {
      bucketName: refs.accessLogsBucket,
      serverAccessLogsTarget: true,
      expireObjectsAfterDays: env.logRetentionDays > 0 ? env.logRetentionDays : undefined,
      noncurrentVersionExpirationDays: 1,
    });
    suppress(
      this.accessLogs,
      "S3_6",
      "This bucket is the access-log target itself; logging it into itself would log its own log writes without end.",
    );
    this.artifacts = new Bucket(this, "Artifacts", {
      bucketName: refs.artifactsBucket,
      noncurrentVersionExpirationDays: ARTIFACT_NONCURRENT_DAYS,
      serverAccessLogs: { bucket: this.accessLogs, prefix: "artifacts/" },
    });

    if (env.manageApiGatewayAccount) {
      const partition = new DataAwsPartition(this, "Partition");
      const caller = new DataAwsCallerIdentity(this, "Caller");
      this.apiGatewayCloudWatchRole = new IamRole(this, "ApiGatewayCloudWatchRole", {
        name: refs.apiGatewayCloudWatchRoleName,
        description: "Lets API Gateway write execution and access logs to CloudWatch Logs in this account and region.",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      });
      const logs = new IamRolePolicy(this, "ApiGatewayCloudWatchPolicy", {
        name: "push-to-cloudwatch-logs",
        role: this.apiGatewayCloudWatchRole.id,
        policy: policyDocument([
          {
            sid: "PushToCloudWatchLogs",
            actions: API_GATEWAY_LOG_ACTIONS,
            resources: [`arn:${partition.partition}:logs:${env.region}:${caller.accountId}:*`],
          },
        ]),
      });
      this.apiGatewayAccount = new ApiGatewayAccount(this, "ApiGatewayAccount", {
        cloudwatchRoleArn: this.apiGatewayCloudWatchRole.arn,
        dependsOn: [logs],
      });
    }

    // Not KMS-encrypted: CloudWatch alarms cannot publish to a topic encrypted with the AWS
    // managed key aws/sns, and the topic carries alarm names and states only.
    this.alarmTopic = new SnsTopic(this, "AlarmTopic", { name: refs.alarmTopicName });
    new SnsTopicSubscription(this, "AlarmEmail", {
      topicArn: this.alarmTopic.arn,
      protocol: "email",
      endpoint: env.alarmEmail,
    });

    new TerraformOutput(this, "artifacts_bucket", { value: this.artifacts.bucketName });
    new TerraformOutput(this, "alarm_topic_arn", { value: this.alarmTopic.arn });
    if (this.apiGatewayCloudWatchRole) {
      new TerraformOutput(this, "api_gateway_cloudwatch_role_arn", { value: this.apiGatewayCloudWatchRole.arn });
    }
  }
}

const ALARM_TOPIC_LOOKUP_ID = "PlatformAlarmTopic";

/**
 * The environment's alarm topic, looked up by name with `data aws_sns_topic` (one lookup per
 * stack, however often this is called). Use its `arn` as an alarm's `topicArn`; the calling
 * stack must depend on the platform stack so the topic exists before the lookup is planned.
 */
export function alarmTopic(scope: Construct, env: Environment): DataAwsSnsTopic {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(ALARM_TOPIC_LOOKUP_ID);
  if (existing instanceof DataAwsSnsTopic) return existing;
  return new DataAwsSnsTopic(stack, ALARM_TOPIC_LOOKUP_ID, { name: platformRefs(env).alarmTopicName });
}

/** `alarmTopic(scope, env).arn`. */
export function alarmTopicArn(scope: Construct, env: Environment): string {
  return alarmTopic(scope, env).arn;
}
