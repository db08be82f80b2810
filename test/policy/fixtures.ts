// Minimal stacks built with provider classes directly, compliant with every policy rule
// (warnings included). A test breaks exactly one thing with an override and expects
// exactly that rule to fire.
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayModel } from "@cdktf/provider-aws/lib/api-gateway-model";
import { ApiGatewayRequestValidator } from "@cdktf/provider-aws/lib/api-gateway-request-validator";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SesEmailIdentity } from "@cdktf/provider-aws/lib/ses-email-identity";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { StackJson } from "../../modules/policy";

export function newStack(id = "fixture"): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  return stack;
}

/** The resolved Terraform JSON, `//` metadata included (what cdk.tf.json holds). */
export function toJson(stack: TerraformStack): StackJson {
  return stack.toTerraform() as StackJson;
}

export class CompliantApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly post: ApiGatewayMethod;
  readonly options: ApiGatewayMethod;
  readonly validator: ApiGatewayRequestValidator;
  readonly stage: ApiGatewayStage;
  readonly settings: ApiGatewayMethodSettings;
  readonly domain: ApiGatewayDomainName;
  readonly waf: Wafv2WebAclAssociation;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.api = new ApiGatewayRestApi(this, "Api", { name: "items" });
    const items = new ApiGatewayResource(this, "Items", { restApiId: this.api.id, parentId: this.api.rootResourceId, pathPart: "items" });
    const model = new ApiGatewayModel(this, "Item", {
      restApiId: this.api.id,
      name: "Item",
      contentType: "application/json",
      schema: JSON.stringify({ $schema: "http://json-schema.org/draft-04/schema#", type: "object" }),
    });
    this.validator = new ApiGatewayRequestValidator(this, "BodyValidator", {
      restApiId: this.api.id,
      name: "body",
      validateRequestBody: true,
    });
    this.post = new ApiGatewayMethod(this, "PostItems", {
      restApiId: this.api.id,
      resourceId: items.id,
      httpMethod: "POST",
      authorization: "NONE",
      apiKeyRequired: true,
      requestModels: { "application/json": model.name },
      requestValidatorId: this.validator.id,
    });
    this.options = new ApiGatewayMethod(this, "OptionsItems", {
      restApiId: this.api.id,
      resourceId: items.id,
      httpMethod: "OPTIONS",
      authorization: "NONE",
    });
    const integration = new ApiGatewayIntegration(this, "PostIntegration", {
      restApiId: this.api.id,
      resourceId: items.id,
      httpMethod: this.post.httpMethod,
      type: "MOCK",
    });
    const deployment = new ApiGatewayDeployment(this, "Deployment", { restApiId: this.api.id, dependsOn: [integration] });
    const logs = new CloudwatchLogGroup(this, "AccessLogs", { name: "/aws/apigateway/items", retentionInDays: 14 });
    this.stage = new ApiGatewayStage(this, "Prod", {
      restApiId: this.api.id,
      deploymentId: deployment.id,
      stageName: "prod",
      xrayTracingEnabled: true,
      cacheClusterEnabled: true,
      cacheClusterSize: "0.5",
      accessLogSettings: { destinationArn: logs.arn, format: JSON.stringify({ requestId: "$context.requestId" }) },
    });
    this.settings = new ApiGatewayMethodSettings(this, "AllMethods", {
      restApiId: this.api.id,
      stageName: this.stage.stageName,
      methodPath: "*/*",
      settings: {
        loggingLevel: "ERROR",
        throttlingRateLimit: 100,
        throttlingBurstLimit: 50,
        cachingEnabled: true,
        cacheDataEncrypted: true,
      },
    });
    this.domain = new ApiGatewayDomainName(this, "Domain", {
      domainName: "api.example.com",
      regionalCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
      endpointConfiguration: { types: ["REGIONAL"] },
      securityPolicy: "TLS_1_2",
    });
    this.waf = new Wafv2WebAclAssociation(this, "Waf", {
      resourceArn: this.stage.arn,
      webAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api/abc",
    });
  }

  /** A usage plan over the stage, with rate and burst. */
  addUsagePlan(): ApiGatewayUsagePlan {
    return new ApiGatewayUsagePlan(this, "Plan", {
      name: "plan",
      apiStages: [{ apiId: this.api.id, stage: this.stage.stageName }],
      throttleSettings: { rateLimit: 10, burstLimit: 20 },
    });
  }
}

export class CompliantFunction extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly fn: LambdaFunction;
  readonly logs: CloudwatchLogGroup;
  readonly permission: LambdaPermission;
  readonly sender: SesEmailIdentity;
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new IamRole(this, "Role", {
      name: "fn-role",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    this.logs = new CloudwatchLogGroup(this, "Logs", { name: "/aws/lambda/fn", retentionInDays: 14 });
    const table = (this.table = new DynamodbTable(this, "Table", {
      name: "Items",
      billingMode: "PAY_PER_REQUEST",
      hashKey: "ID",
      attribute: [{ name: "ID", type: "N" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
    }));
    this.sender = new SesEmailIdentity(this, "Sender", { email: "no-reply@example.com" });
    this.policy = new IamRolePolicy(this, "Policy", {
      role: this.role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${this.logs.arn}:*` },
          { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: [table.arn] },
          { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
          {
            Effect: "Allow",
            Action: "ses:SendEmail",
            Resource: this.sender.arn,
            Condition: { StringEquals: { "ses:FromAddress": "no-reply@example.com" } },
          },
        ],
      }),
    });
    this.fn = new LambdaFunction(this, "Function", {
      functionName: "items",
      role: this.role.arn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: "fn.zip",
      memorySize: 256,
      timeout: 10,
      reservedConcurrentExecutions: 5,
      tracingConfig: { mode: "Active" },
      environment: { variables: { SENDER_EMAIL: "no-reply@example.com", TABLE_NAME: table.name } },
    });
    this.permission = new LambdaPermission(this, "Invoke", {
      functionName: this.fn.functionName,
      action: "lambda:InvokeFunction",
      principal: "apigateway.amazonaws.com",
      sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/items",
    });
  }
}

export class CompliantBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly pab: S3BucketPublicAccessBlock;
  readonly sse: S3BucketServerSideEncryptionConfigurationA;
  readonly versioning: S3BucketVersioningA;
  readonly policy: S3BucketPolicy;
  readonly lifecycle: S3BucketLifecycleConfiguration;
  readonly logging: S3BucketLoggingA;

  constructor(scope: Construct, id: string, name = "backups") {
    super(scope, id);
    this.bucket = new S3Bucket(this, "Bucket", { bucket: name });
    this.pab = new S3BucketPublicAccessBlock(this, "PublicAccess", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    this.sse = new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    this.versioning = new S3BucketVersioningA(this, "Versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    const tls = new DataAwsIamPolicyDocument(this, "TlsOnly", {
      statement: [
        {
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    this.policy = new S3BucketPolicy(this, "Policy", { bucket: this.bucket.id, policy: tls.json });
    this.lifecycle = new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.bucket.id,
      rule: [{ id: "abort-mpu", status: "Enabled", filter: [{}], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }] }],
    });
    this.logging = new S3BucketLoggingA(this, "Logging", { bucket: this.bucket.id, targetBucket: "access-logs", targetPrefix: `${name}/` });
  }
}

/** A private bucket served by one distribution through OAC, with security headers and v2 access logs. */
export class CompliantSite extends Construct {
  readonly bucket: CompliantBucket;
  readonly oac: CloudfrontOriginAccessControl;
  readonly headers: CloudfrontResponseHeadersPolicy;
  readonly distribution: CloudfrontDistribution;
  readonly logSource: CloudwatchLogDeliverySource;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new CompliantBucket(this, "Bucket", "site");
    this.oac = new CloudfrontOriginAccessControl(this, "Oac", { name: "site", originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" });
    this.headers = new CloudfrontResponseHeadersPolicy(this, "Headers", {
      name: "site",
      securityHeadersConfig: {
        contentSecurityPolicy: { contentSecurityPolicy: "default-src 'none'; script-src 'self'; frame-ancestors 'none'", override: true },
        strictTransportSecurity: { accessControlMaxAgeSec: 63072000, includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
      },
    });
    this.distribution = new CloudfrontDistribution(this, "Distribution", {
      enabled: true,
      defaultRootObject: "index.html",
      origin: [{ domainName: this.bucket.bucket.bucketRegionalDomainName, originId: "site", originAccessControlId: this.oac.id }],
      defaultCacheBehavior: {
        targetOriginId: "site",
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
        responseHeadersPolicyId: this.headers.id,
      },
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
    });
    this.logSource = new CloudwatchLogDeliverySource(this, "LogSource", { name: "site", logType: "ACCESS_LOGS", resourceArn: this.distribution.arn });
    const destination = new CloudwatchLogDeliveryDestination(this, "LogDestination", { name: "site", deliveryDestinationConfiguration: [{ destinationResourceArn: "arn:aws:s3:::access-logs/site" }] });
    new CloudwatchLogDelivery(this, "LogDelivery", { deliverySourceName: this.logSource.name, deliveryDestinationArn: destination.arn });
  }
}
