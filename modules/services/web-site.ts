/**
 * web-<env>: the environment's site files (web/, one page per service) uploaded into the
 * web-edge-<env> stack's bucket, with `config.json` written from references: every service
 * API's invoke URL per stage, the image gallery's user pool, app client, region and hosted-UI
 * domain. Each document carries the exact Content-Security-Policy in a `<meta http-equiv>`
 * element (connect-src exactly those invoke URLs and the hosted UI's domain, img-src the image
 * bucket), inside the bounds of the distribution's header policy (see web-edge.ts).
 *
 * Order, acyclic: platform → web-edge → service stacks (their CORS allow-lists read the
 * distribution's domain from web-edge) → web (reads the services). See docs/deploying.md.
 */
import type { Construct } from "constructs";
import type { Environment } from "../config/environments";
import { ServiceStack, type ServiceStackProps } from "../core/service-stack";
import { RestApi } from "../rest-api";
import { SiteObjects } from "../static-site";
import { terraformLiteral } from "../static-site/headers";
import { contentSecurityPolicy } from "../../web/csp";
import { synthSite } from "../../web/site-cache";
import { ImageGalleryStack } from "./image-gallery";
import type { WebEdgeStack } from "./web-edge";

export const WEB = "web";

/** A built document with the exact CSP as its first `<head>` element, as a Terraform string (references resolved at apply). */
export function withMetaCsp(html: string, csp: string): string {
  const literal = terraformLiteral(html);
  if (!literal.includes("<head>")) throw new Error("a page without <head> cannot carry its Content-Security-Policy");
  return literal.replace("<head>", `<head>\n    <meta http-equiv="Content-Security-Policy" content="${csp}">`);
}

export class WebSiteStack extends ServiceStack {
  readonly files: SiteObjects;
  /** The `config.json` document, with references (`${...}`) in it. */
  readonly config: Record<string, unknown>;
  /** The documents' CSP (a `<meta>` element), with references in it. */
  readonly contentSecurityPolicy: string;

  constructor(scope: Construct, env: Environment, edge: WebEdgeStack, services: readonly ServiceStack[], props: ServiceStackProps = {}) {
    super(scope, `${WEB}-${env.name}`, env, props);
    const apis: Record<string, Record<string, string>> = {};
    const connect: string[] = [];
    const img: string[] = [];
    let cognito: Record<string, string> | undefined;
    for (const stack of services) {
      const service = stack.node.id.endsWith(`-${env.name}`) ? stack.node.id.slice(0, -(env.name.length + 1)) : stack.node.id;
      for (const api of stack.node.findAll().filter((c): c is RestApi => c instanceof RestApi)) {
        for (const stage of Object.keys(api.stages)) {
          const url = api.invokeUrl(stage);
          (apis[service] ??= {})[stage] = url;
          connect.push(`${url}/`);
        }
      }
      if (stack instanceof ImageGalleryStack) {
        cognito = { region: env.region, userPoolId: stack.userPool.id, clientId: stack.userPoolClient.id, endpoint: `https://cognito-idp.${env.region}.amazonaws.com/`, domain: stack.authDomainUrl };
        // The page talks only to the hosted UI's token endpoint (code redemption, refresh);
        // the user-pool API (`endpoint`, for SDK clients) is not called from the page.
        connect.push(stack.authDomainUrl);
        img.push(`https://${stack.images.bucketRegionalDomainName}`);
      }
      this.addDependency(stack);
    }
    this.addDependency(edge);
    this.config = { environment: env.name, region: env.region, apis, ...(cognito ? { cognito } : {}) };
    // The same files for every environment, built once per synth or taken from the cache (web/site-cache.ts).
    const site = synthSite();
    this.contentSecurityPolicy = contentSecurityPolicy({ connect, img, style: site.styleHashes, meta: true });
    this.files = new SiteObjects(this, "Files", {
      bucket: edge.site.bucket.bucketName,
      files: [
        ...site.files.map((f) => ({
          path: f.path,
          body: f.path.endsWith(".html") ? withMetaCsp(f.body.toString("utf8"), this.contentSecurityPolicy) : f.body,
          contentType: f.contentType,
          cacheControl: f.cacheControl,
        })),
        { path: "config.json", body: JSON.stringify(this.config, null, 2), contentType: "application/json", cacheControl: "no-cache" },
      ],
    });
  }
}
