import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { expect } from "chai";
import type { TerraformStack } from "cdktf";
import { evaluate, RULES } from "../../modules/policy";
import { CloudfrontOriginAccessIdentity } from "@cdktf/provider-aws/lib/cloudfront-origin-access-identity";
import { S3BucketWebsiteConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-website-configuration";
import { CompliantApi, CompliantBucket, CompliantFunction, CompliantSite, newStack, toJson } from "./fixtures";

interface World {
  stack: TerraformStack;
  api: CompliantApi;
  fn: CompliantFunction;
  bucket: CompliantBucket;
  site: CompliantSite;
}

function world(): World {
  const stack = newStack();
  return {
    stack,
    api: new CompliantApi(stack, "Api"),
    fn: new CompliantFunction(stack, "Fn"),
    bucket: new CompliantBucket(stack, "Backups"),
    site: new CompliantSite(stack, "Site"),
  };
}

const policyJson = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

interface Case {
  /** What the violation is, for the test name. */
  what: string;
  break(w: World): void;
  /** Terraform address prefix of the resource the finding must name. */
  names: string;
  /** Construct path the finding must carry. */
  path: string;
  /** Other rules the same change legitimately trips. */
  alsoFires?: string[];
}

/** For every rule: one or more ways to violate it. The compliant world satisfies them all. */
const CASES: Record<string, Case[]> = {
  APIG1: [{ what: "a stage without access logs", break: (w) => w.api.stage.addOverride("access_log_settings", undefined), names: "aws_api_gateway_stage.", path: "fixture/Api/Prod" }],
  APIG2: [
    { what: "a method with a model but no validator", break: (w) => w.api.post.addOverride("request_validator_id", undefined), names: "aws_api_gateway_method.", path: "fixture/Api/PostItems" },
    { what: "a validator that skips the body", break: (w) => w.api.validator.addOverride("validate_request_body", false), names: "aws_api_gateway_method.", path: "fixture/Api/PostItems" },
  ],
  APIG3: [{ what: "a POST open to anyone", break: (w) => w.api.post.addOverride("api_key_required", false), names: "aws_api_gateway_method.", path: "fixture/Api/PostItems" }],
  APIG4: [{ what: "execution logging OFF", break: (w) => w.api.settings.addOverride("settings.logging_level", "OFF"), names: "aws_api_gateway_stage.", path: "fixture/Api/Prod" }],
  APIG5: [{ what: "a cache without encryption", break: (w) => w.api.settings.addOverride("settings.cache_data_encrypted", false), names: "aws_api_gateway_stage.", path: "fixture/Api/Prod" }],
  APIG6: [{ what: "a stage without X-Ray", break: (w) => w.api.stage.addOverride("xray_tracing_enabled", false), names: "aws_api_gateway_stage.", path: "fixture/Api/Prod" }],
  APIG7: [{ what: "a stage without a throttle", break: (w) => w.api.settings.addOverride("settings.throttling_rate_limit", undefined), names: "aws_api_gateway_stage.", path: "fixture/Api/Prod" }],
  APIG8: [{ what: "a custom domain allowing TLS 1.0", break: (w) => w.api.domain.addOverride("security_policy", "TLS_1_0"), names: "aws_api_gateway_domain_name.", path: "fixture/Api/Domain" }],
  APIG9: [{ what: "a stage without WAF", break: (w) => w.api.waf.addOverride("resource_arn", "arn:aws:apigateway:us-east-1::/restapis/other/stages/prod"), names: "aws_api_gateway_stage.", path: "fixture/Api/Prod" }],
  LMB1: [{ what: "a deprecated runtime", break: (w) => w.fn.fn.addOverride("runtime", "nodejs16.x"), names: "aws_lambda_function.", path: "fixture/Fn/Function" }],
  LMB2: [{ what: "tracing PassThrough", break: (w) => w.fn.fn.addOverride("tracing_config.mode", "PassThrough"), names: "aws_lambda_function.", path: "fixture/Fn/Function" }],
  LMB3: [{ what: "a default timeout", break: (w) => w.fn.fn.addOverride("timeout", undefined), names: "aws_lambda_function.", path: "fixture/Fn/Function" }],
  LMB4: [{ what: "a service permission without source_arn", break: (w) => w.fn.permission.addOverride("source_arn", undefined), names: "aws_lambda_permission.", path: "fixture/Fn/Invoke" }],
  LMB5: [{ what: 'principal "*"', break: (w) => w.fn.permission.addOverride("principal", "*"), names: "aws_lambda_permission.", path: "fixture/Fn/Invoke" }],
  LMB6: [{ what: "no reserved concurrency", break: (w) => w.fn.fn.addOverride("reserved_concurrent_executions", undefined), names: "aws_lambda_function.", path: "fixture/Fn/Function" }],
  IAM1: [
    {
      what: "dynamodb:*",
      break: (w) => w.fn.policy.addOverride("policy", policyJson({ Effect: "Allow", Action: "dynamodb:*", Resource: "arn:aws:dynamodb:us-east-1:123456789012:table/Items" })),
      names: "aws_iam_role_policy.",
      path: "fixture/Fn/Policy",
    },
  ],
  IAM2: [
    {
      what: 'dynamodb:GetItem on "*"',
      break: (w) => w.fn.policy.addOverride("policy", policyJson({ Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: "*" })),
      names: "aws_iam_role_policy.",
      path: "fixture/Fn/Policy",
    },
  ],
  IAM3: [
    {
      what: "an AWS managed policy attachment",
      break: (w) => new IamRolePolicyAttachment(w.fn, "Managed", { role: w.fn.role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }),
      names: "aws_iam_role_policy_attachment.",
      path: "fixture/Fn/Managed",
    },
  ],
  IAM4: [
    {
      what: "AdministratorAccess",
      break: (w) => new IamRolePolicyAttachment(w.fn, "Admin", { role: w.fn.role.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
      names: "aws_iam_role_policy_attachment.",
      path: "fixture/Fn/Admin",
      alsoFires: ["IAM3"],
    },
    {
      what: 'an inline "*" on "*"',
      break: (w) => w.fn.policy.addOverride("policy", policyJson({ Effect: "Allow", Action: "*", Resource: "*" })),
      names: "aws_iam_role_policy.",
      path: "fixture/Fn/Policy",
      alsoFires: ["IAM1", "IAM2"],
    },
  ],
  IAM5: [
    {
      what: 'a trust policy for "*"',
      break: (w) => w.fn.role.addOverride("assume_role_policy", policyJson({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })),
      names: "aws_iam_role.",
      path: "fixture/Fn/Role",
    },
  ],
  IAM6: [
    {
      what: "a policy built by a Terraform expression",
      break: (w) => w.fn.policy.addOverride("policy", "${jsonencode({Statement = []})}"),
      names: "aws_iam_role_policy.",
      path: "fixture/Fn/Policy",
    },
    {
      what: "a trust policy read from another resource",
      break: (w) => w.fn.role.addOverride("assume_role_policy", "${aws_iam_policy.elsewhere.policy}"),
      names: "aws_iam_role.",
      path: "fixture/Fn/Role",
    },
  ],
  S3_1: [{ what: "block_public_policy false", break: (w) => w.bucket.pab.addOverride("block_public_policy", false), names: "aws_s3_bucket.", path: "fixture/Backups/Bucket" }],
  S3_2: [{ what: "no encryption configuration", break: (w) => w.bucket.sse.addOverride("bucket", "another-bucket"), names: "aws_s3_bucket.", path: "fixture/Backups/Bucket" }],
  S3_3: [{ what: "versioning suspended", break: (w) => w.bucket.versioning.addOverride("versioning_configuration.status", "Suspended"), names: "aws_s3_bucket.", path: "fixture/Backups/Bucket" }],
  S3_4: [{ what: "no TLS-only policy", break: (w) => w.bucket.policy.addOverride("bucket", "another-bucket"), names: "aws_s3_bucket.", path: "fixture/Backups/Bucket" }],
  S3_5: [{ what: "a disabled lifecycle rule", break: (w) => w.bucket.lifecycle.addOverride("rule.0.status", "Disabled"), names: "aws_s3_bucket.", path: "fixture/Backups/Bucket" }],
  S3_6: [{ what: "no access logging", break: (w) => w.bucket.logging.addOverride("bucket", "another-bucket"), names: "aws_s3_bucket.", path: "fixture/Backups/Bucket" }],
  CF1: [{ what: "a default behaviour that allows HTTP", break: (w) => w.site.distribution.addOverride("default_cache_behavior.viewer_protocol_policy", "allow-all"), names: "aws_cloudfront_distribution.", path: "fixture/Site/Distribution" }],
  CF2: [
    { what: "an S3 origin without origin access control", break: (w) => w.site.distribution.addOverride("origin.0.origin_access_control_id", undefined), names: "aws_cloudfront_distribution.", path: "fixture/Site/Distribution" },
    {
      what: "a legacy origin access identity",
      break: (w) => new CloudfrontOriginAccessIdentity(w.site, "Oai", { comment: "legacy" }),
      names: "aws_cloudfront_origin_access_identity.",
      path: "fixture/Site/Oai",
    },
  ],
  CF3: [
    { what: "no response headers policy", break: (w) => w.site.distribution.addOverride("default_cache_behavior.response_headers_policy_id", undefined), names: "aws_cloudfront_distribution.", path: "fixture/Site/Distribution" },
    { what: "a policy without HSTS", break: (w) => w.site.headers.addOverride("security_headers_config.strict_transport_security", undefined), names: "aws_cloudfront_distribution.", path: "fixture/Site/Distribution" },
  ],
  CF4: [{ what: "no access logs", break: (w) => w.site.logSource.addOverride("resource_arn", "arn:aws:cloudfront::123456789012:distribution/OTHER"), names: "aws_cloudfront_distribution.", path: "fixture/Site/Distribution" }],
  CF5: [{ what: "TLS 1.0 accepted", break: (w) => w.site.distribution.addOverride("viewer_certificate.minimum_protocol_version", "TLSv1_2016"), names: "aws_cloudfront_distribution.", path: "fixture/Site/Distribution" }],
  S3_7: [
    { what: "website hosting", break: (w) => new S3BucketWebsiteConfiguration(w.site, "Website", { bucket: w.site.bucket.bucket.id, indexDocument: { suffix: "index.html" } }), names: "aws_s3_bucket.", path: "fixture/Site/Bucket/Bucket" },
    {
      what: "a public-read bucket policy",
      break: (w) => w.site.bucket.policy.addOverride("policy", policyJson({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }, { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::site", "arn:aws:s3:::site/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } })),
      names: "aws_s3_bucket.",
      path: "fixture/Site/Bucket/Bucket",
    },
  ],
  DDB1: [{ what: "PITR off", break: (w) => w.fn.table.addOverride("point_in_time_recovery.enabled", false), names: "aws_dynamodb_table.", path: "fixture/Fn/Table" }],
  DDB2: [{ what: "no SSE", break: (w) => w.fn.table.addOverride("server_side_encryption", undefined), names: "aws_dynamodb_table.", path: "fixture/Fn/Table" }],
  LOG1: [{ what: "no retention", break: (w) => w.fn.logs.addOverride("retention_in_days", undefined), names: "aws_cloudwatch_log_group.", path: "fixture/Fn/Logs" }],
  SES1: [
    { what: "an undeclared SENDER_EMAIL", break: (w) => w.fn.fn.addOverride("environment.variables.SENDER_EMAIL", "ops@elsewhere.example"), names: "aws_lambda_function.", path: "fixture/Fn/Function" },
    {
      what: "an undeclared ses:FromAddress",
      break: (w) =>
        w.fn.policy.addOverride(
          "policy",
          policyJson({ Effect: "Allow", Action: "ses:SendEmail", Resource: "arn:aws:ses:us-east-1:123456789012:identity/x", Condition: { StringEquals: { "ses:FromAddress": "ops@elsewhere.example" } } }),
        ),
      names: "aws_iam_role_policy.",
      path: "fixture/Fn/Policy",
    },
  ],
};

describe("policy rules", () => {
  it("has a violation case for every rule, and every rule id is unique", () => {
    expect(Object.keys(CASES).sort()).to.deep.equal(RULES.map((r) => r.id).sort());
    expect(new Set(RULES.map((r) => r.id)).size).to.equal(RULES.length);
  });

  it("finds nothing at all in the compliant fixture (errors and warnings)", () => {
    const { findings } = evaluate(toJson(world().stack));
    expect(findings.map((f) => `${f.ruleId} ${f.address}: ${f.message}`)).to.deep.equal([]);
  });

  for (const rule of RULES) {
    describe(`${rule.id} (${rule.severity}): ${rule.title}`, () => {
      for (const c of CASES[rule.id] ?? []) {
        it(`fires on ${c.what}, naming the resource, its construct and the fix`, () => {
          const w = world();
          c.break(w);
          const { findings } = evaluate(toJson(w.stack));
          const mine = findings.filter((f) => f.ruleId === rule.id);
          expect(mine, JSON.stringify(findings, null, 2)).to.have.length.greaterThan(0);
          for (const f of mine) {
            expect(f.severity).to.equal(rule.severity);
            expect(f.address.startsWith(c.names), f.address).to.equal(true);
            expect(f.constructPath).to.equal(c.path);
            expect(f.message).to.be.a("string").and.not.equal("");
            expect(f.fix).to.be.a("string").and.not.equal("");
          }
          const others = [...new Set(findings.map((f) => f.ruleId))].filter((id) => id !== rule.id).sort();
          expect(others).to.deep.equal([...(c.alsoFires ?? [])].sort());
        });
      }
      it("is silent on the compliant fixture", () => {
        const { findings } = evaluate(toJson(world().stack));
        expect(findings.filter((f) => f.ruleId === rule.id)).to.deep.equal([]);
      });
    });
  }

  describe("alternative ways to comply", () => {
    it("APIG7 accepts a throttled usage plan over the stage instead of stage method settings", () => {
      const w = world();
      w.api.settings.addOverride("settings.throttling_rate_limit", undefined);
      w.api.addUsagePlan();
      expect(evaluate(toJson(w.stack)).findings.map((f) => f.ruleId)).to.not.include("APIG7");
    });

    it("APIG3 accepts a Cognito authorizer without an API key, and ignores OPTIONS", () => {
      const w = world();
      w.api.post.addOverride("api_key_required", false);
      w.api.post.addOverride("authorization", "COGNITO_USER_POOLS");
      w.api.post.addOverride("authorizer_id", "abc123");
      const ids = evaluate(toJson(w.stack)).findings.map((f) => f.ruleId);
      expect(ids).to.not.include("APIG3");
    });

    it("IAM2 accepts Resource \"*\" only for the documented star-only actions", () => {
      const w = world();
      w.fn.policy.addOverride("policy", policyJson({ Effect: "Allow", Action: ["xray:PutTraceSegments", "cloudwatch:PutMetricData"], Resource: "*" }));
      expect(evaluate(toJson(w.stack)).findings.map((f) => f.ruleId)).to.not.include("IAM2");
    });

    it("IAM5 reports a trust policy from a policy document data source on the data source", () => {
      const w = world();
      w.fn.role.addOverride("assume_role_policy", "${data.aws_iam_policy_document.trust.json}");
      w.stack.addOverride("data.aws_iam_policy_document.trust", {
        statement: [{ effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["*"] }] }],
      });
      const iam5 = evaluate(toJson(w.stack)).findings.filter((f) => f.ruleId === "IAM5");
      expect(iam5.map((f) => f.address)).to.deep.equal(["data.aws_iam_policy_document.trust"]);
    });
  });
});
