import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { PropError, isResolved } from "../core/errors";
import type { IGrantable, PolicyStatement } from "../core/grant";
import { ServiceStack } from "../core/service-stack";

export interface BucketProps {
  /**
   * Exact, globally unique bucket name. Give either this or `bucketPrefix`.
   * @default none: Terraform generates a name from `bucketPrefix`
   */
  readonly bucketName?: string;
  /**
   * Prefix of a generated name (at most 37 characters).
   * @default the lower-cased ServiceStack name for the construct id plus `-` (`dev-backups-`)
   */
  readonly bucketPrefix?: string;
  /**
   * Encrypt with this KMS key (`aws:kms`, S3 bucket key on) instead of S3-managed keys.
   * @default SSE-S3 (`AES256`)
   */
  readonly kmsKeyArn?: string;
  /**
   * Let `terraform destroy` empty the bucket. Refused when the environment protects stateful resources.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Expire noncurrent object versions this many days after they become noncurrent.
   * @default noncurrent versions are kept
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Expire current objects this many days after they are written (log buckets, scratch space).
   * @default objects are kept
   */
  readonly expireObjectsAfterDays?: number;
  /**
   * Deliver S3 server access logs for this bucket to another bucket, under `prefix`.
   * @default no server access logging
   */
  readonly serverAccessLogs?: ServerAccessLogsProps;
  /**
   * This bucket receives server access logs: its policy lets `logging.s3.amazonaws.com`
   * put objects, for requests from this account only.
   * @default false
   */
  readonly serverAccessLogsTarget?: boolean;
  /**
   * More bucket policy statements, after the TLS-only deny (for example the read grant of a
   * CloudFront distribution's origin access control). Resources may reference the bucket.
   * @default none
   */
  readonly policyStatements?: readonly Record<string, unknown>[];
  /**
   * Region of the bucket and its settings (AWS provider 6 per-resource region).
   * @default the stack provider's region
   */
  readonly region?: string;
}

export interface ServerAccessLogsProps {
  /**
   * The bucket the logs are delivered to (one with `serverAccessLogsTarget`), or its name.
   * Given a Bucket, logging is configured after that bucket's policy allows delivery.
   */
  readonly bucket: Bucket | string;
  /** Key prefix of this bucket's logs in the target. @default `<this bucket's name>/` */
  readonly prefix?: string;
}

/** Days after which an incomplete multipart upload is aborted. */
export const ABORT_INCOMPLETE_MULTIPART_DAYS = 1;

const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Why a bucket name breaks S3's naming rules, or undefined when it is valid. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "use 3 to 63 characters.";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return "use lowercase letters, digits, '.' and '-', starting and ending with a letter or digit.";
  }
  if (name.includes("..")) return "do not use two adjacent periods.";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "do not format the name as an IP address.";
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `do not start the name with the reserved prefix "${prefix}".`;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `do not end the name with the reserved suffix "${suffix}".`;
  return undefined;
}

/** Why a bucket name prefix is unusable, or undefined when it is valid. */
export function bucketPrefixProblem(prefix: string): string | undefined {
  if (prefix.length < 1 || prefix.length > 37) return "use 1 to 37 characters (Terraform appends 26).";
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(prefix)) {
    return "use lowercase letters, digits, '.' and '-', starting with a letter or digit.";
  }
  if (prefix.includes("..")) return "do not use two adjacent periods.";
  const reserved = RESERVED_PREFIXES.find((p) => prefix.startsWith(p));
  if (reserved) return `do not start the name with the reserved prefix "${reserved}".`;
  return undefined;
}

/** `dev-Backups` → `dev-backups-`; characters S3 refuses become `-`, cut to 37. */
export function defaultBucketPrefix(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/^[^a-z0-9]+/, "");
  return `${cleaned.slice(0, 36)}-`;
}

/**
 * Checks a grant's key prefix: "" (whole bucket) or a plain key prefix such as `backups/`.
 * No leading slash (S3 keys have none) and no `*` or `?` (IAM wildcards: the grant adds its own `*`).
 */
export function keyPrefixProblem(prefix: string): string | undefined {
  if (prefix.startsWith("/")) return `remove the leading "/": S3 keys do not start with one (use "${prefix.replace(/^\/+/, "")}").`;
  if (prefix.includes("*") || prefix.includes("?")) {
    return `remove "*" and "?": the grant already covers every key that starts with the prefix.`;
  }
  if (prefix.length > 1024) return "use at most 1024 characters (the longest S3 key).";
  return undefined;
}

/** The statement every bucket policy starts with: deny every request that does not use TLS, on the bucket and its objects. */
export function tlsOnlyStatement(bucketArn: string): Record<string, unknown> {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** Lets the S3 logging service write server access logs into the bucket, for buckets of one account only. */
export function logDeliveryStatement(bucketArn: string, accountId: string): Record<string, unknown> {
  return {
    Sid: "AllowServerAccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `${bucketArn}/*`,
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  };
}

/**
 * Lets CloudWatch Logs' vended-log delivery (CloudFront standard logging v2, among others)
 * write into the bucket, for sources in one account only.
 */
export function vendedLogDeliveryStatement(bucketArn: string, accountId: string): Record<string, unknown> {
  return {
    Sid: "AllowVendedLogDelivery",
    Effect: "Allow",
    Principal: { Service: "delivery.logs.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `${bucketArn}/*`,
    Condition: { StringEquals: { "aws:SourceAccount": accountId, "s3:x-amz-acl": "bucket-owner-full-control" } },
  };
}

/** The bucket policy: TLS only, plus log delivery when the bucket receives server access logs, plus any extra statements. */
export function bucketPolicy(bucketArn: string, logDeliveryAccountId?: string, extra: readonly Record<string, unknown>[] = []): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      tlsOnlyStatement(bucketArn),
      ...(logDeliveryAccountId !== undefined ? [logDeliveryStatement(bucketArn, logDeliveryAccountId), vendedLogDeliveryStatement(bucketArn, logDeliveryAccountId)] : []),
      ...extra,
    ],
  });
}

/**
 * An S3 bucket with safe defaults: every public-access block on, object ownership enforced
 * (no ACLs), default encryption, versioning, a TLS-only policy and a lifecycle rule that
 * aborts incomplete multipart uploads after a day. Grants are scoped to a key prefix.
 */
export class Bucket extends Construct {
  readonly bucketName: string;
  readonly arn: string;
  readonly bucketRegionalDomainName: string;
  readonly resource: S3Bucket;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  /** The bucket policy (TLS only, plus log delivery on a log target). */
  readonly policy: S3BucketPolicy;
  readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: BucketProps = {}) {
    super(scope, id);
    const where = this.node.path;
    const stack = TerraformStack.of(this);
    const service = stack instanceof ServiceStack ? stack : undefined;

    if (props.bucketName !== undefined && props.bucketPrefix !== undefined) {
      throw new PropError(where, "bucketPrefix", props.bucketPrefix, `Cannot set both "bucketName" and "bucketPrefix": keep one.`);
    }
    if (props.bucketName !== undefined && isResolved(props.bucketName)) {
      const problem = bucketNameProblem(props.bucketName);
      if (problem) throw new PropError(where, "bucketName", props.bucketName, problem);
    }
    if (props.bucketPrefix !== undefined && isResolved(props.bucketPrefix)) {
      const problem = bucketPrefixProblem(props.bucketPrefix);
      if (problem) throw new PropError(where, "bucketPrefix", props.bucketPrefix, problem);
    }
    const forceDestroy = props.forceDestroy ?? false;
    if (forceDestroy && service?.env.deletionProtection) {
      throw new PropError(
        where,
        "forceDestroy",
        true,
        `environment "${service.env.name}" has deletionProtection on: remove forceDestroy, or empty the bucket by hand before destroying it.`,
      );
    }
    const expiry = props.noncurrentVersionExpirationDays;
    if (expiry !== undefined && isResolved(expiry) && (!Number.isInteger(expiry) || expiry < 1)) {
      throw new PropError(where, "noncurrentVersionExpirationDays", expiry, "use a whole number of days, at least 1.");
    }
    const expireAfter = props.expireObjectsAfterDays;
    if (expireAfter !== undefined && isResolved(expireAfter) && (!Number.isInteger(expireAfter) || expireAfter < 1)) {
      throw new PropError(where, "expireObjectsAfterDays", expireAfter, "use a whole number of days, at least 1.");
    }
    const logs = props.serverAccessLogs;
    const logTarget = logs === undefined ? undefined : logs.bucket instanceof Bucket ? logs.bucket.bucketName : logs.bucket;
    if (logs !== undefined) {
      if (typeof logTarget !== "string" || (isResolved(logTarget) && bucketNameProblem(logTarget))) {
        throw new PropError(where, "serverAccessLogs.bucket", logTarget, "give the bucket (or the name of the bucket) that receives the logs.");
      }
      if (logTarget === props.bucketName) {
        throw new PropError(
          where,
          "serverAccessLogs.bucket",
          logTarget,
          "deliver the logs to another bucket: a bucket logging to itself logs its own log writes without end.",
        );
      }
      const problem = logs.prefix !== undefined && isResolved(logs.prefix) ? keyPrefixProblem(logs.prefix) : undefined;
      if (problem) throw new PropError(where, "serverAccessLogs.prefix", logs.prefix, problem);
    }
    if (props.kmsKeyArn !== undefined && isResolved(props.kmsKeyArn) && !/^arn:aws[a-z-]*:kms:/.test(props.kmsKeyArn)) {
      throw new PropError(where, "kmsKeyArn", props.kmsKeyArn, "give a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>).");
    }

    if (props.serverAccessLogsTarget && props.kmsKeyArn !== undefined) {
      throw new PropError(
        where,
        "kmsKeyArn",
        props.kmsKeyArn,
        `Cannot set "kmsKeyArn" when "serverAccessLogsTarget" is true: S3 delivers server access logs only to SSE-S3 (AES256) buckets.`,
      );
    }

    const region = props.region !== undefined ? { region: props.region } : {};
    const naming =
      props.bucketName !== undefined
        ? { bucket: props.bucketName }
        : { bucketPrefix: props.bucketPrefix ?? defaultBucketPrefix(service ? service.physicalName(id) : id) };

    this.resource = new S3Bucket(this, "Bucket", { ...naming, forceDestroy, ...region });
    const bucket = this.resource.bucket;

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      ...region,
    });
    new S3BucketOwnershipControls(this, "OwnershipControls", {
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
      ...region,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket,
      rule: [
        props.kmsKeyArn !== undefined
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
      ...region,
    });
    const versioning = new S3BucketVersioningA(this, "Versioning", {
      bucket,
      versioningConfiguration: { status: "Enabled" },
      ...region,
    });
    const accountId = props.serverAccessLogsTarget ? new DataAwsCallerIdentity(this, "Account").accountId : undefined;
    this.policy = new S3BucketPolicy(this, "TlsOnlyPolicy", {
      bucket,
      policy: bucketPolicy(this.resource.arn, accountId, props.policyStatements),
      dependsOn: [this.publicAccessBlock],
      ...region,
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket,
      rule: [
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: [{ prefix: "" }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_DAYS }],
        },
        ...(expireAfter !== undefined
          ? [
              {
                id: "expire-objects",
                status: "Enabled",
                filter: [{ prefix: "" }],
                expiration: [{ days: expireAfter }],
              },
            ]
          : []),
        ...(expiry !== undefined
          ? [
              {
                id: "expire-noncurrent-versions",
                status: "Enabled",
                filter: [{ prefix: "" }],
                noncurrentVersionExpiration: [{ noncurrentDays: expiry }],
              },
            ]
          : []),
      ],
      dependsOn: [versioning],
      ...region,
    });

    if (logs !== undefined && logTarget !== undefined) {
      new S3BucketLoggingA(this, "AccessLogs", {
        bucket,
        targetBucket: logTarget,
        targetPrefix: logs.prefix ?? `${bucket}/`,
        ...(logs.bucket instanceof Bucket ? { dependsOn: [logs.bucket.policy] } : {}),
        ...region,
      });
    }

    this.bucketName = bucket;
    this.arn = this.resource.arn;
    this.bucketRegionalDomainName = this.resource.bucketRegionalDomainName;
    if (props.kmsKeyArn !== undefined) this.kmsKeyArn = props.kmsKeyArn;
  }

  private checkedPrefix(method: string, prefix: string | undefined): string {
    const p = prefix ?? "";
    if (typeof p !== "string") throw new PropError(this.node.path, `${method}(prefix)`, p, "give a key prefix string.");
    const problem = keyPrefixProblem(p);
    if (problem) throw new PropError(this.node.path, `${method}(prefix)`, p, problem);
    return p;
  }

  /** `<arn>/<prefix>*`: every object whose key starts with the prefix. */
  objectsArn(prefix = ""): string {
    return `${this.arn}/${this.checkedPrefix("objectsArn", prefix)}*`;
  }

  private grant(grantee: IGrantable, statement: PolicyStatement, kmsActions: readonly string[]): void {
    grantee.addToRolePolicy(statement);
    if (this.kmsKeyArn !== undefined && kmsActions.length > 0) {
      grantee.addToRolePolicy({ actions: [...kmsActions], resources: [this.kmsKeyArn] });
    }
  }

  /** s3:GetObject on `<arn>/<prefix>*` (and kms:Decrypt on the bucket's key when it has one). */
  grantRead(grantee: IGrantable, prefix?: string): void {
    const p = this.checkedPrefix("grantRead", prefix);
    this.grant(grantee, { actions: ["s3:GetObject"], resources: [`${this.arn}/${p}*`] }, ["kms:Decrypt"]);
  }

  /** s3:PutObject and s3:AbortMultipartUpload on `<arn>/<prefix>*` (and kms:GenerateDataKey, kms:Decrypt with a KMS key). */
  grantPut(grantee: IGrantable, prefix?: string): void {
    const p = this.checkedPrefix("grantPut", prefix);
    this.grant(
      grantee,
      { actions: ["s3:AbortMultipartUpload", "s3:PutObject"], resources: [`${this.arn}/${p}*`] },
      ["kms:Decrypt", "kms:GenerateDataKey"],
    );
  }

  /** s3:DeleteObject on `<arn>/<prefix>*`. */
  grantDelete(grantee: IGrantable, prefix?: string): void {
    const p = this.checkedPrefix("grantDelete", prefix);
    this.grant(grantee, { actions: ["s3:DeleteObject"], resources: [`${this.arn}/${p}*`] }, []);
  }

  /** s3:ListBucket on the bucket, limited by an `s3:prefix` StringLike `<prefix>*` condition when a prefix is given. */
  grantList(grantee: IGrantable, prefix?: string): void {
    const p = this.checkedPrefix("grantList", prefix);
    this.grant(
      grantee,
      {
        actions: ["s3:ListBucket"],
        resources: [this.arn],
        ...(p !== "" ? { conditions: { StringLike: { "s3:prefix": [`${p}*`] } } } : {}),
      },
      [],
    );
  }
}
