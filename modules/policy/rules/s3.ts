import type { Rule, Violation } from "../types";
import { block, blocks, refersTo, statementsOf, type IamStatement, type TfResource, type TfStack } from "../../tfjson";

/** Resources of `type` whose `bucket` attribute designates this bucket (reference or literal name). */
export function companions(stack: TfStack, bucket: TfResource, type: string): TfResource[] {
  return stack.ofType(type).filter(
    (c) =>
      refersTo(c.attrs.bucket, bucket.address) ||
      (typeof bucket.attrs.bucket === "string" && c.attrs.bucket === bucket.attrs.bucket),
  );
}

const bucketName = (r: TfResource) => String(r.attrs.bucket ?? r.attrs.bucket_prefix ?? r.name);

const PAB_FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;

function isTlsDeny(st: IamStatement): boolean {
  return (
    st.effect === "Deny" &&
    st.principals.includes("*") &&
    st.actions.some((a) => a === "s3:*" || a === "*") &&
    st.conditions.some(
      (c) => c.test === "Bool" && c.variable === "aws:SecureTransport" && c.values.map(String).includes("false"),
    )
  );
}

export const s3Rules: readonly Rule[] = [
  {
    id: "S3_1",
    severity: "error",
    title: "Buckets block all public access",
    appliesTo: ["aws_s3_bucket"],
    check(r, stack) {
      const pab = companions(stack, r, "aws_s3_bucket_public_access_block")[0];
      const off = pab ? PAB_FLAGS.filter((f) => pab.attrs[f] !== true) : [...PAB_FLAGS];
      if (off.length === 0) return [];
      return [
        {
          message: pab
            ? `bucket "${bucketName(r)}" does not block public access: ${off.join(", ")} not true`
            : `bucket "${bucketName(r)}" has no public access block`,
          fix: "add aws_s3_bucket_public_access_block with all four flags true",
        },
      ];
    },
  },
  {
    id: "S3_2",
    severity: "error",
    title: "Buckets declare server-side encryption",
    appliesTo: ["aws_s3_bucket"],
    check(r, stack) {
      const sse = companions(stack, r, "aws_s3_bucket_server_side_encryption_configuration")[0];
      const algo = sse && block(block(sse.attrs.rule)?.apply_server_side_encryption_by_default)?.sse_algorithm;
      if (algo) return [];
      return [
        {
          message: `bucket "${bucketName(r)}" declares no server-side encryption`,
          fix: 'add aws_s3_bucket_server_side_encryption_configuration (sse_algorithm "AES256" or "aws:kms")',
        },
      ];
    },
  },
  {
    id: "S3_3",
    severity: "error",
    title: "Buckets are versioned",
    appliesTo: ["aws_s3_bucket"],
    check(r, stack) {
      const v = companions(stack, r, "aws_s3_bucket_versioning")[0];
      if (v && block(v.attrs.versioning_configuration)?.status === "Enabled") return [];
      return [{ message: `bucket "${bucketName(r)}" is not versioned`, fix: 'add aws_s3_bucket_versioning with status "Enabled"' }];
    },
  },
  {
    id: "S3_4",
    severity: "error",
    title: "Bucket policies deny requests without TLS",
    appliesTo: ["aws_s3_bucket"],
    check(r, stack) {
      const ok = companions(stack, r, "aws_s3_bucket_policy").some((p) => (statementsOf(stack, p.attrs.policy) ?? []).some(isTlsDeny));
      if (ok) return [];
      return [
        {
          message: `bucket "${bucketName(r)}" accepts plain-HTTP requests (no TLS-only bucket policy)`,
          fix: 'add a bucket policy statement: Deny, Principal "*", Action "s3:*", Condition Bool aws:SecureTransport = "false"',
        },
      ];
    },
  },
  {
    id: "S3_5",
    severity: "error",
    title: "Bucket lifecycles abort incomplete multipart uploads",
    appliesTo: ["aws_s3_bucket"],
    check(r, stack) {
      const ok = companions(stack, r, "aws_s3_bucket_lifecycle_configuration").some((lc) =>
        blocks(lc.attrs.rule).some(
          (rule) => rule.status === "Enabled" && block(rule.abort_incomplete_multipart_upload)?.days_after_initiation !== undefined,
        ),
      );
      if (ok) return [];
      return [
        {
          message: `bucket "${bucketName(r)}" keeps incomplete multipart uploads forever`,
          fix: "add an enabled aws_s3_bucket_lifecycle_configuration rule with abort_incomplete_multipart_upload { days_after_initiation = 1 }",
        },
      ];
    },
  },
  {
    id: "S3_6",
    severity: "warning",
    title: "Buckets write server access logs",
    appliesTo: ["aws_s3_bucket"],
    check(r, stack): Violation[] {
      if (companions(stack, r, "aws_s3_bucket_logging").length > 0) return [];
      return [{ message: `bucket "${bucketName(r)}" has no server access logging`, fix: "add aws_s3_bucket_logging to a log bucket" }];
    },
  },
];
