/**
 * web-edge-<env>: the environment's site infrastructure, applied before the service stacks:
 * the private bucket, origin access control, the CloudFront distribution, its index
 * function, standard logging and the response-headers policy. Nothing in it reads a
 * service, so the services can read the distribution's domain (a cdktf cross-stack
 * reference, through this stack's remote state) into their CORS allow-lists and the image
 * gallery's callback URLs in the same deploy; the files and config.json follow in web-<env>,
 * after the services.
 *
 * The header's Content-Security-Policy cannot name the APIs' invoke URLs (they exist only
 * after the services are applied), so it bounds them by what is known now: the region's
 * API Gateway and S3 hosts, and the hosted UI's domain (deterministic). Each document then
 * carries the exact policy in a `<meta http-equiv>` element written by web-<env>; a browser
 * enforces both, so what a page may reach is their intersection, exactly the environment's
 * invoke URLs, the hosted UI and the image bucket. Both name the documents' inline
 * `<style>` elements by hash, so a stylesheet edit also updates this stack's policy.
 */
import type { Construct } from "constructs";
import type { Environment } from "../config/environments";
import { ServiceStack, type ServiceStackProps } from "../core/service-stack";
import { StaticSite } from "../static-site";
import { contentSecurityPolicy } from "../../web/csp";
import { authDomainUrl } from "./image-gallery";
import { platformRefs } from "./platform";
import { synthSite } from "../../web/site-cache";

export const WEB_EDGE = "web-edge";

/** The header's CSP for an environment: every source bounded by the region (see above). */
export function edgeContentSecurityPolicy(env: Environment): string {
  return contentSecurityPolicy({
    connect: [`https://*.execute-api.${env.region}.amazonaws.com`, authDomainUrl(env)],
    img: [`https://*.s3.${env.region}.amazonaws.com`],
    style: synthSite().styleHashes,
  });
}

export class WebEdgeStack extends ServiceStack {
  readonly site: StaticSite;

  constructor(scope: Construct, env: Environment, props: ServiceStackProps = {}) {
    super(scope, `${WEB_EDGE}-${env.name}`, env, props);
    const logs = platformRefs(env).accessLogsBucket;
    this.site = new StaticSite(this, "Site", {
      name: this.physicalName("site"),
      contentSecurityPolicy: edgeContentSecurityPolicy(env),
      logs: { bucket: logs, prefix: `web-${env.name}/cloudfront/` },
      bucketAccessLogs: { bucket: logs, prefix: `web-${env.name}/bucket/` },
      ...(env.siteDomain ? { domain: env.siteDomain } : {}),
    });
  }
}
