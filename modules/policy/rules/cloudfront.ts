/**
 * CloudFront and static-site rules: HTTPS only, origin access control (never the legacy
 * OAI), security headers, access logging, TLS 1.2+, and no bucket served as a public website.
 */
import type { Rule, Violation } from "../types";
import { block, blocks, parseRef, refersTo, statementsOf, type TfResource, type TfStack } from "../../tfjson";
import { companions } from "./s3";

const behaviours = (r: TfResource) => [...blocks(r.attrs.default_cache_behavior), ...blocks(r.attrs.ordered_cache_behavior)];
const label = (r: TfResource) => String(r.attrs.comment ?? r.name);

/** The response-headers policy a behaviour names, when it is declared in this stack. */
function headersPolicy(stack: TfStack, id: unknown): TfResource | undefined {
  const ref = parseRef(id);
  return ref ? stack.at(ref.address) : undefined;
}

const REQUIRED_HEADERS = ["content_security_policy", "strict_transport_security", "content_type_options", "referrer_policy"] as const;

function missingHeaders(policy: TfResource | undefined): string[] {
  const config = block(policy?.attrs.security_headers_config);
  if (!config) return [...REQUIRED_HEADERS, "frame-ancestors"];
  const missing: string[] = REQUIRED_HEADERS.filter((h) => !block(config[h]));
  const csp = String(block(config.content_security_policy)?.content_security_policy ?? "");
  if (!/frame-ancestors\s+'none'/.test(csp) && !block(config.frame_options)) missing.push("frame-ancestors");
  return missing;
}

export const cloudFrontRules: readonly Rule[] = [
  {
    id: "CF1",
    severity: "error",
    title: "Distributions redirect HTTP to HTTPS",
    appliesTo: ["aws_cloudfront_distribution"],
    check(r) {
      const open = behaviours(r).filter((b) => !["redirect-to-https", "https-only"].includes(String(b.viewer_protocol_policy)));
      return open.map((b) => ({
        message: `distribution "${label(r)}" serves ${String(b.path_pattern ?? "the default behaviour")} over plain HTTP (viewer_protocol_policy "${String(b.viewer_protocol_policy)}")`,
        fix: 'set viewer_protocol_policy to "redirect-to-https"',
      }));
    },
  },
  {
    id: "CF2",
    severity: "error",
    title: "S3 origins use origin access control, not an origin access identity",
    appliesTo: ["aws_cloudfront_distribution", "aws_cloudfront_origin_access_identity"],
    check(r, stack) {
      if (r.type === "aws_cloudfront_origin_access_identity") {
        return [{ message: `origin access identity "${r.name}" is the legacy way to reach S3`, fix: "use aws_cloudfront_origin_access_control (signing sigv4) and a bucket policy for the distribution's ARN" }];
      }
      const out: Violation[] = [];
      for (const o of blocks(r.attrs.origin)) {
        const toS3 = /\.s3[.-]/.test(String(o.domain_name)) || stack.ofType("aws_s3_bucket").some((b) => refersTo(o.domain_name, b.address));
        if (block(o.s3_origin_config)?.origin_access_identity !== undefined) {
          out.push({ message: `distribution "${label(r)}" reaches origin "${String(o.origin_id)}" through an origin access identity`, fix: "replace s3_origin_config with origin_access_control_id" });
        } else if (toS3 && !o.origin_access_control_id) {
          out.push({ message: `distribution "${label(r)}" reaches S3 origin "${String(o.origin_id)}" without origin access control`, fix: "set origin_access_control_id to an aws_cloudfront_origin_access_control (origin type s3)" });
        }
      }
      return out;
    },
  },
  {
    id: "CF3",
    severity: "error",
    title: "Distributions add security headers (CSP with frame-ancestors, HSTS, nosniff, Referrer-Policy)",
    appliesTo: ["aws_cloudfront_distribution"],
    check(r, stack) {
      return behaviours(r).flatMap((b) => {
        const missing = b.response_headers_policy_id === undefined ? ["a response headers policy"] : missingHeaders(headersPolicy(stack, b.response_headers_policy_id));
        return missing.length === 0
          ? []
          : [{ message: `distribution "${label(r)}" ${String(b.path_pattern ?? "default behaviour")} lacks ${missing.join(", ")}`, fix: "attach an aws_cloudfront_response_headers_policy with security_headers_config: content_security_policy (frame-ancestors 'none'), strict_transport_security, content_type_options, referrer_policy" }];
      });
    },
  },
  {
    id: "CF4",
    severity: "error",
    title: "Distributions log access (standard logging, legacy or v2)",
    appliesTo: ["aws_cloudfront_distribution"],
    check(r, stack) {
      if (block(r.attrs.logging_config)?.bucket) return [];
      const sources = stack.ofType("aws_cloudwatch_log_delivery_source").filter((s) => refersTo(s.attrs.resource_arn, r.address) && s.attrs.log_type === "ACCESS_LOGS");
      const delivered = sources.some((s) => stack.ofType("aws_cloudwatch_log_delivery").some((d) => refersTo(d.attrs.delivery_source_name, s.address) || d.attrs.delivery_source_name === s.attrs.name));
      if (delivered) return [];
      return [{ message: `distribution "${label(r)}" keeps no access logs`, fix: "add an aws_cloudwatch_log_delivery_source (ACCESS_LOGS) for it with an aws_cloudwatch_log_delivery to the access-log bucket, or logging_config" }];
    },
  },
  {
    id: "CF5",
    severity: "error",
    title: "Distributions with a certificate require TLS 1.2 or newer",
    appliesTo: ["aws_cloudfront_distribution"],
    check(r) {
      const cert = block(r.attrs.viewer_certificate);
      if (!cert || cert.cloudfront_default_certificate === true) return [];
      const version = String(cert.minimum_protocol_version ?? "TLSv1");
      if (/^TLSv1\.[23]_/.test(version)) return [];
      return [{ message: `distribution "${label(r)}" accepts ${version}`, fix: 'set viewer_certificate.minimum_protocol_version to "TLSv1.2_2021"' }];
    },
  },
  {
    id: "S3_7",
    severity: "error",
    title: "Buckets are never public websites (no website hosting, no public-read policy)",
    appliesTo: ["aws_s3_bucket"],
    check(r, stack) {
      const out: Violation[] = [];
      const name = String(r.attrs.bucket ?? r.attrs.bucket_prefix ?? r.name);
      if (companions(stack, r, "aws_s3_bucket_website_configuration").length > 0 || r.attrs.website !== undefined) {
        out.push({ message: `bucket "${name}" is configured for static website hosting (public, HTTP only)`, fix: "serve the bucket through CloudFront with origin access control (modules/static-site) and remove the website configuration" });
      }
      for (const policy of companions(stack, r, "aws_s3_bucket_policy")) {
        const open = (statementsOf(stack, policy.attrs.policy) ?? []).filter((s) => s.effect === "Allow" && s.principals.includes("*") && s.conditions.length === 0);
        if (open.length > 0) out.push({ message: `bucket "${name}" lets anyone ${open.flatMap((s) => s.actions).join(", ")}`, fix: "grant only the distribution (Principal cloudfront.amazonaws.com with an AWS:SourceArn condition)" });
      }
      return out;
    },
  },
];
