import { expect } from "chai";
import { Bucket, bucketNameProblem, defaultBucketPrefix, keyPrefixProblem, type BucketProps } from "../../modules/bucket";
import { FakeGrantee, env, only, onlyId, policyResult, ref, resources, serviceStack, synth } from "../table/support";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function bucketIn(props: BucketProps = {}, environment = env("dev")) {
  const stack = serviceStack("files", environment);
  const bucket = new Bucket(stack, "Backups", props);
  return { stack, bucket, out: synth(stack) };
}

describe("bucket", () => {
  describe("synthesized resources", () => {
    it("names the bucket from a prefix by default, never force-destroyed", () => {
      const { out } = bucketIn();
      const bucket = only(out, "aws_s3_bucket");
      expect(bucket).to.deep.equal({ bucket_prefix: "dev-backups-", force_destroy: false });
    });

    it("uses an exact bucket name when given", () => {
      const { out, bucket } = bucketIn({ bucketName: "acme-student-backups" });
      expect(only(out, "aws_s3_bucket")).to.deep.include({ bucket: "acme-student-backups" });
      expect(bucket.bucketName).to.be.a("string");
    });

    it("blocks all public access and enforces bucket-owner object ownership", () => {
      const { out } = bucketIn();
      const bucketRef = ref(out, "aws_s3_bucket", "bucket");
      expect(only(out, "aws_s3_bucket_public_access_block")).to.deep.equal({
        bucket: bucketRef,
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(only(out, "aws_s3_bucket_ownership_controls")).to.deep.equal({
        bucket: bucketRef,
        rule: { object_ownership: "BucketOwnerEnforced" },
      });
    });

    it("encrypts with AES256 by default and with the KMS key, bucket key on, when given", () => {
      expect(only(bucketIn().out, "aws_s3_bucket_server_side_encryption_configuration").rule).to.deep.equal([
        { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
      ]);
      expect(only(bucketIn({ kmsKeyArn: KEY }).out, "aws_s3_bucket_server_side_encryption_configuration").rule).to.deep.equal([
        { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY }, bucket_key_enabled: true },
      ]);
    });

    it("enables versioning", () => {
      expect(only(bucketIn().out, "aws_s3_bucket_versioning").versioning_configuration).to.deep.equal({ status: "Enabled" });
    });

    it("denies every non-TLS request on the bucket and its objects, after the public access block exists", () => {
      const { out } = bucketIn();
      const arn = ref(out, "aws_s3_bucket", "arn");
      const policy = only(out, "aws_s3_bucket_policy");
      expect(JSON.parse(policy.policy as string)).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn, `${arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      });
      expect(policy.depends_on).to.deep.equal([`aws_s3_bucket_public_access_block.${onlyId(out, "aws_s3_bucket_public_access_block")}`]);
    });

    it("aborts incomplete multipart uploads after one day, and expires noncurrent versions only when asked", () => {
      const plain = only(bucketIn().out, "aws_s3_bucket_lifecycle_configuration");
      expect(plain.rule).to.deep.equal([
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: [{ prefix: "" }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
        },
      ]);
      const { out } = bucketIn({ noncurrentVersionExpirationDays: 30 });
      const rules = only(out, "aws_s3_bucket_lifecycle_configuration").rule as Record<string, unknown>[];
      expect(rules[1]).to.deep.equal({
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{ prefix: "" }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      });
      expect(only(out, "aws_s3_bucket_lifecycle_configuration").depends_on).to.deep.equal([
        `aws_s3_bucket_versioning.${onlyId(out, "aws_s3_bucket_versioning")}`,
      ]);
    });

    it("puts every resource in the given region", () => {
      const { out } = bucketIn({ region: "eu-west-1" });
      for (const type of [
        "aws_s3_bucket",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_lifecycle_configuration",
      ]) {
        expect(only(out, type).region, type).to.equal("eu-west-1");
      }
    });

    it("delivers server access logs to another bucket, under the bucket's name by default", () => {
      const { out } = bucketIn({ serverAccessLogs: { bucket: "acme-access-logs" } });
      expect(only(out, "aws_s3_bucket_logging")).to.deep.equal({
        bucket: ref(out, "aws_s3_bucket", "bucket"),
        target_bucket: "acme-access-logs",
        target_prefix: `${ref(out, "aws_s3_bucket", "bucket")}/`,
      });
      const custom = bucketIn({ serverAccessLogs: { bucket: "acme-access-logs", prefix: "backups/" } }).out;
      expect(only(custom, "aws_s3_bucket_logging").target_prefix).to.equal("backups/");
      expect(resources(bucketIn().out, "aws_s3_bucket_logging")).to.deep.equal({});
    });

    it("configures logging to a Bucket construct after that bucket's delivery policy exists", () => {
      const stack = serviceStack("files");
      const logs = new Bucket(stack, "Logs", { serverAccessLogsTarget: true });
      new Bucket(stack, "Data", { serverAccessLogs: { bucket: logs } });
      const out = synth(stack);
      const logging = only(out, "aws_s3_bucket_logging");
      const logsId = Object.keys(resources(out, "aws_s3_bucket")).find((k) => k.startsWith("Logs_"))!;
      const policyId = Object.keys(resources(out, "aws_s3_bucket_policy")).find((k) => k.startsWith("Logs_"))!;
      expect(logging.target_bucket).to.equal(`\${aws_s3_bucket.${logsId}.bucket}`);
      expect(logging.depends_on).to.deep.equal([`aws_s3_bucket_policy.${policyId}`]);
    });

    it("lets the S3 logging service and CloudWatch Logs' vended delivery (CloudFront logging v2) write into a log target bucket, from this account only", () => {
      const { out } = bucketIn({ serverAccessLogsTarget: true });
      const arn = ref(out, "aws_s3_bucket", "arn");
      const account = `\${data.aws_caller_identity.${Object.keys(out.data!.aws_caller_identity!)[0]}.account_id}`;
      const statements = JSON.parse(only(out, "aws_s3_bucket_policy").policy as string).Statement;
      expect(statements).to.have.length(3);
      expect(statements[0].Sid).to.equal("DenyInsecureTransport");
      expect(statements[2]).to.deep.equal({
        Sid: "AllowVendedLogDelivery",
        Effect: "Allow",
        Principal: { Service: "delivery.logs.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${arn}/*`,
        Condition: { StringEquals: { "aws:SourceAccount": account, "s3:x-amz-acl": "bucket-owner-full-control" } },
      });
      expect(statements[1]).to.deep.equal({
        Sid: "AllowServerAccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${arn}/*`,
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      });
      expect(bucketIn().out.data).to.equal(undefined);
    });

    it("appends the caller's policy statements after the TLS-only deny", () => {
      const extra = { Sid: "AllowCloudFront", Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" };
      const statements = JSON.parse(only(bucketIn({ policyStatements: [extra] }).out, "aws_s3_bucket_policy").policy as string).Statement;
      expect(statements.map((s: { Sid: string }) => s.Sid)).to.deep.equal(["DenyInsecureTransport", "AllowCloudFront"]);
      expect(statements[1]).to.deep.equal(extra);
    });

    it("expires current objects only when asked", () => {
      const rules = only(bucketIn({ expireObjectsAfterDays: 90 }).out, "aws_s3_bucket_lifecycle_configuration").rule as Record<string, unknown>[];
      expect(rules[1]).to.deep.equal({ id: "expire-objects", status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: 90 }] });
    });

    it("allows forceDestroy where the environment does not protect stateful resources", () => {
      expect(only(bucketIn({ forceDestroy: true }).out, "aws_s3_bucket").force_destroy).to.equal(true);
    });
  });

  it("passes every policy rule when it logs to a log target; only the target's own logging is left to the caller", () => {
    const stack = serviceStack("files");
    const logs = new Bucket(stack, "Logs", { serverAccessLogsTarget: true });
    new Bucket(stack, "Data", { serverAccessLogs: { bucket: logs } });
    const findings = policyResult(stack).findings.map((f) => [f.ruleId, f.constructPath]);
    expect(findings).to.deep.equal([["S3_6", "files-dev/Logs/Bucket"]]);
  });

  describe("grants", () => {
    function granted(call: (b: Bucket, g: FakeGrantee) => void, props: BucketProps = {}) {
      const { stack, bucket, out } = bucketIn(props);
      const g = new FakeGrantee();
      call(bucket, g);
      return { statements: g.document(stack).Statement, arn: ref(out, "aws_s3_bucket", "arn") };
    }

    it("grantRead allows s3:GetObject on the prefix only", () => {
      const { statements, arn } = granted((b, g) => b.grantRead(g, "backups/"));
      expect(statements).to.deep.equal([{ Effect: "Allow", Action: ["s3:GetObject"], Resource: `${arn}/backups/*` }]);
    });

    it("grants cover every object when no prefix is given", () => {
      const { statements, arn } = granted((b, g) => b.grantRead(g));
      expect(statements[0]!.Resource).to.equal(`${arn}/*`);
    });

    it("grantPut allows s3:PutObject and s3:AbortMultipartUpload on the prefix only", () => {
      const { statements, arn } = granted((b, g) => b.grantPut(g, "uploads/"));
      expect(statements).to.deep.equal([
        { Effect: "Allow", Action: ["s3:AbortMultipartUpload", "s3:PutObject"], Resource: `${arn}/uploads/*` },
      ]);
    });

    it("grantDelete allows s3:DeleteObject on the prefix only", () => {
      const { statements, arn } = granted((b, g) => b.grantDelete(g, "tmp/"));
      expect(statements).to.deep.equal([{ Effect: "Allow", Action: ["s3:DeleteObject"], Resource: `${arn}/tmp/*` }]);
    });

    it("grantList allows s3:ListBucket on the bucket, conditioned on s3:prefix when a prefix is given", () => {
      const scoped = granted((b, g) => b.grantList(g, "images/"));
      expect(scoped.statements).to.deep.equal([
        {
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: scoped.arn,
          Condition: { StringLike: { "s3:prefix": ["images/*"] } },
        },
      ]);
      const whole = granted((b, g) => b.grantList(g));
      expect(whole.statements).to.deep.equal([{ Effect: "Allow", Action: ["s3:ListBucket"], Resource: whole.arn }]);
    });

    it("adds the KMS actions on the bucket's key only for reads and writes of a KMS-encrypted bucket", () => {
      const read = granted((b, g) => b.grantRead(g, "a/"), { kmsKeyArn: KEY });
      expect(read.statements[1]).to.deep.equal({ Effect: "Allow", Action: ["kms:Decrypt"], Resource: KEY });
      const put = granted((b, g) => b.grantPut(g, "a/"), { kmsKeyArn: KEY });
      expect(put.statements[1]).to.deep.equal({ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY });
      expect(granted((b, g) => b.grantDelete(g, "a/"), { kmsKeyArn: KEY }).statements).to.have.length(1);
      expect(granted((b, g) => b.grantList(g, "a/"), { kmsKeyArn: KEY }).statements).to.have.length(1);
    });

    it("rejects a key prefix with a leading slash or a wildcard", () => {
      const { bucket } = bucketIn();
      const g = new FakeGrantee();
      expect(() => bucket.grantPut(g, "/backups/")).to.throw(
        'files-dev/Backups: "grantPut(prefix)" is "/backups/": remove the leading "/": S3 keys do not start with one (use "backups/").',
      );
      expect(() => bucket.grantRead(g, "backups/*")).to.throw(
        'files-dev/Backups: "grantRead(prefix)" is "backups/*": remove "*" and "?": the grant already covers every key that starts with the prefix.',
      );
      expect(() => bucket.grantList(g, "a?")).to.throw('"grantList(prefix)" is "a?"');
      expect(() => bucket.grantDelete(g, "/")).to.throw('"grantDelete(prefix)" is "/"');
      expect(g.statements).to.have.length(0);
    });
  });

  describe("prop validation", () => {
    const cases: [string, BucketProps, string][] = [
      ["uppercase names", { bucketName: "Acme-Backups" }, `files-dev/Backups: "bucketName" is "Acme-Backups": use lowercase letters, digits, '.' and '-', starting and ending with a letter or digit.`],
      ["short names", { bucketName: "ab" }, 'files-dev/Backups: "bucketName" is "ab": use 3 to 63 characters.'],
      ["adjacent periods", { bucketName: "a..b" }, 'files-dev/Backups: "bucketName" is "a..b": do not use two adjacent periods.'],
      ["IP-address names", { bucketName: "192.168.5.4" }, 'files-dev/Backups: "bucketName" is "192.168.5.4": do not format the name as an IP address.'],
      ["reserved prefixes", { bucketName: "xn--bucket" }, 'files-dev/Backups: "bucketName" is "xn--bucket": do not start the name with the reserved prefix "xn--".'],
      ["reserved suffixes", { bucketName: "my-s3alias" }, 'files-dev/Backups: "bucketName" is "my-s3alias": do not end the name with the reserved suffix "-s3alias".'],
      ["long prefixes", { bucketPrefix: "a".repeat(38) }, `files-dev/Backups: "bucketPrefix" is "${"a".repeat(38)}": use 1 to 37 characters (Terraform appends 26).`],
      ["bad prefixes", { bucketPrefix: "-bad" }, `files-dev/Backups: "bucketPrefix" is "-bad": use lowercase letters, digits, '.' and '-', starting with a letter or digit.`],
      ["both name and prefix", { bucketName: "abc", bucketPrefix: "abc-" }, 'files-dev/Backups: "bucketPrefix" is "abc-": Cannot set both "bucketName" and "bucketPrefix": keep one.'],
      ["noncurrent expiry below a day", { noncurrentVersionExpirationDays: 0 }, 'files-dev/Backups: "noncurrentVersionExpirationDays" is 0: use a whole number of days, at least 1.'],
      ["object expiry below a day", { expireObjectsAfterDays: 0.5 }, 'files-dev/Backups: "expireObjectsAfterDays" is 0.5: use a whole number of days, at least 1.'],
      ["a bad log bucket name", { serverAccessLogs: { bucket: "Logs" } }, 'files-dev/Backups: "serverAccessLogs.bucket" is "Logs": give the bucket (or the name of the bucket) that receives the logs.'],
      ["logging to itself", { bucketName: "acme-logs", serverAccessLogs: { bucket: "acme-logs" } }, 'files-dev/Backups: "serverAccessLogs.bucket" is "acme-logs": deliver the logs to another bucket: a bucket logging to itself logs its own log writes without end.'],
      ["a log prefix with a leading slash", { serverAccessLogs: { bucket: "acme-logs", prefix: "/x/" } }, 'files-dev/Backups: "serverAccessLogs.prefix" is "/x/": remove the leading "/"'],
      ["a KMS key on a log target", { serverAccessLogsTarget: true, kmsKeyArn: KEY }, `files-dev/Backups: "kmsKeyArn" is "${KEY}": Cannot set "kmsKeyArn" when "serverAccessLogsTarget" is true: S3 delivers server access logs only to SSE-S3 (AES256) buckets.`],
      ["non-KMS key ARNs", { kmsKeyArn: "alias/aws/s3" }, 'files-dev/Backups: "kmsKeyArn" is "alias/aws/s3": give a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>).'],
    ];
    for (const [name, props, message] of cases) {
      it(`rejects ${name}`, () => {
        expect(() => bucketIn(props)).to.throw(message);
      });
    }

    it("refuses forceDestroy where the environment has deletion protection", () => {
      expect(() => bucketIn({ forceDestroy: true }, env("prod"))).to.throw(
        'files-prod/Backups: "forceDestroy" is true: environment "prod" has deletionProtection on: remove forceDestroy, or empty the bucket by hand before destroying it.',
      );
    });
  });

  describe("pure helpers", () => {
    it("derives a valid default prefix from any construct name", () => {
      expect(defaultBucketPrefix("dev-Backups")).to.equal("dev-backups-");
      expect(defaultBucketPrefix("dev-Image Uploads_2")).to.equal("dev-image-uploads-2-");
      expect(defaultBucketPrefix("x".repeat(50))).to.have.length(37);
      expect(bucketNameProblem("valid.bucket-name1")).to.equal(undefined);
      expect(keyPrefixProblem("")).to.equal(undefined);
      expect(keyPrefixProblem("a/b/")).to.equal(undefined);
    });
  });
});
