/**
 * A static site: a private bucket (the Bucket module's defaults) read only by one CloudFront
 * distribution through origin access control, HTTPS only, HTTP/2 and HTTP/3, compression,
 * a response-headers policy (strict CSP, HSTS, nosniff, Referrer-Policy, no framing),
 * standard logging (v2, CloudWatch Logs delivery) to a log bucket, and every file uploaded
 * as an `aws_s3_object` with its Content-Type and Cache-Control. Objects carry their bytes
 * in the configuration, so a plan shows exactly the files whose bytes changed.
 */
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import type { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { Bucket, type ServerAccessLogsProps } from "../bucket";
import { PropError, isResolved } from "../core/errors";
import { INDEX_REWRITE_CODE, securityHeadersConfig } from "./headers";
import { addSiteObjects, checkSitePaths, type SiteObject } from "./site-objects";

export type { SiteObject } from "./site-objects";

export interface CustomDomain {
  /** Host names served (CNAMEs), e.g. `["www.example.com"]`. */
  readonly names: readonly string[];
  /** An ACM certificate in us-east-1 covering every name (CloudFront reads certificates only there). */
  readonly certificateArn: string;
}

export interface StaticSiteProps {
  /**
   * The site's files (path, bytes, content type, cache control), uploaded as one
   * `aws_s3_object` each. Leave out to upload them from another stack with `SiteObjects`.
   * @default none
   */
  readonly files?: readonly SiteObject[];
  /** The Content-Security-Policy header (may hold references). */
  readonly contentSecurityPolicy: string;
  /** Bucket (name) that receives the distribution's standard logs, and the key prefix. */
  readonly logs: { readonly bucket: string; readonly prefix: string };
  /** @default the distribution's own `*.cloudfront.net` name and certificate */
  readonly domain?: CustomDomain;
  /** @default "index.html" */
  readonly defaultRootObject?: string;
  /** @default "PriceClass_100" */
  readonly priceClass?: string;
  /** S3 server access logs of the site bucket. @default none */
  readonly bucketAccessLogs?: ServerAccessLogsProps;
  /** Name prefix of the CloudFront policies, function and log delivery (unique per account). */
  readonly name: string;
}

/** Managed cache policy CachingOptimized (AWS documentation, "Use managed cache policies"). */
export const CACHING_OPTIMIZED_POLICY_ID = "658327ea-f89d-4fab-a63d-7e88639e58f6";
export const MINIMUM_TLS = "TLSv1.2_2021";

export class StaticSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: CloudfrontDistribution;
  readonly headersPolicy: CloudfrontResponseHeadersPolicy;
  readonly objects: S3Object[] = [];
  /** `https://<domain>`: the site's origin, for CORS allow-lists. */
  readonly origin: string;
  /** Every origin the site answers on: each custom name, and the distribution's own `*.cloudfront.net`. */
  readonly origins: readonly string[];

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    const where = this.node.path;
    const paths = checkSitePaths(where, props.files ?? []);
    const root = props.defaultRootObject ?? "index.html";
    if (props.files && !paths.has(root)) throw new PropError(where, "defaultRootObject", root, `add a file "${root}" or name one of the files.`);
    const cert = props.domain?.certificateArn;
    if (cert !== undefined && isResolved(cert) && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\//.test(cert)) {
      throw new PropError(where, "domain.certificateArn", cert, "give an ACM certificate ARN in us-east-1: CloudFront reads certificates only from there.");
    }
    if (props.domain && props.domain.names.length === 0) throw new PropError(where, "domain.names", [], "list at least one host name, or leave out domain.");

    this.bucket = new Bucket(this, "Bucket", {
      ...(props.bucketAccessLogs ? { serverAccessLogs: props.bucketAccessLogs } : {}),
      policyStatements: [
        {
          Sid: "AllowCloudFrontOriginAccessControl",
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Action: "s3:GetObject",
          Resource: `${Lazy.stringValue({ produce: () => this.bucket.arn })}/*`,
          Condition: { StringEquals: { "AWS:SourceArn": Lazy.stringValue({ produce: () => this.distribution.arn }) } },
        },
      ],
    });

    const oac = new CloudfrontOriginAccessControl(this, "OriginAccessControl", {
      name: `${props.name}-oac`,
      description: "Signed (SigV4) requests from the site's distribution to its bucket",
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });
    this.headersPolicy = new CloudfrontResponseHeadersPolicy(this, "SecurityHeaders", {
      name: `${props.name}-security-headers`,
      comment: "CSP, HSTS, nosniff, Referrer-Policy, no framing",
      securityHeadersConfig: securityHeadersConfig(props.contentSecurityPolicy),
    });
    const rewrite = new CloudfrontFunction(this, "IndexRewrite", {
      name: `${props.name}-index`,
      runtime: "cloudfront-js-2.0",
      comment: "/page/ → /page/index.html; /page → 301 /page/",
      code: INDEX_REWRITE_CODE,
      publish: true,
    });
    const originId = "site-bucket";
    this.distribution = new CloudfrontDistribution(this, "Distribution", {
      enabled: true,
      comment: `${props.name}: static site`,
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      priceClass: props.priceClass ?? "PriceClass_100",
      defaultRootObject: root,
      ...(props.domain ? { aliases: [...props.domain.names] } : {}),
      origin: [{ domainName: this.bucket.bucketRegionalDomainName, originId, originAccessControlId: oac.id }],
      defaultCacheBehavior: {
        targetOriginId: originId,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        cachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
        responseHeadersPolicyId: this.headersPolicy.id,
        functionAssociation: [{ eventType: "viewer-request", functionArn: rewrite.arn }],
      },
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: props.domain
        ? { acmCertificateArn: props.domain.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: MINIMUM_TLS }
        : { cloudfrontDefaultCertificate: true, minimumProtocolVersion: MINIMUM_TLS },
    });
    this.origin = props.domain ? `https://${props.domain.names[0]}` : `https://${this.distribution.domainName}`;
    this.origins = [...(props.domain?.names ?? []).map((n) => `https://${n}`), `https://${this.distribution.domainName}`];

    // Standard logging v2: CloudWatch Logs delivers the distribution's access logs to the log
    // bucket (no ACLs needed, unlike legacy logging). CloudFront's delivery source lives in us-east-1.
    const source = new CloudwatchLogDeliverySource(this, "LogSource", {
      name: `${props.name}-access`,
      logType: "ACCESS_LOGS",
      resourceArn: this.distribution.arn,
      region: "us-east-1",
    });
    const destination = new CloudwatchLogDeliveryDestination(this, "LogDestination", {
      name: `${props.name}-access-s3`,
      outputFormat: "json",
      deliveryDestinationConfiguration: [{ destinationResourceArn: `arn:aws:s3:::${props.logs.bucket}/${props.logs.prefix.replace(/\/+$/, "")}` }],
      region: "us-east-1",
    });
    new CloudwatchLogDelivery(this, "LogDelivery", {
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
      region: "us-east-1",
    });

    this.objects.push(...addSiteObjects(this, this.bucket.bucketName, props.files ?? [], [this.bucket.policy]));
  }
}
