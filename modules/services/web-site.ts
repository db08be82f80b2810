/**
 * web-<env>: the environment's site (web/, one page per service) on modules/static-site,
 * with `config.json` written from references: every service API's invoke URL per stage,
 * the image gallery's user pool, app client, region and hosted-UI domain. The CSP's
 * connect-src is exactly those invoke URLs and the hosted UI's domain (its token endpoint).
 *
 * Order, acyclic: platform → service stacks → web. The services name the site's origin in
 * their CORS allow-lists from configuration (`<ENV>_WEB_ORIGINS`, which holds the custom
 * domain; see docs/deploying.md), so nothing points back from the services to this stack.
 */
import type { Construct } from "constructs";
import type { Environment } from "../config/environments";
import { ServiceStack, type ServiceStackProps } from "../core/service-stack";
import { RestApi } from "../rest-api";
import { StaticSite } from "../static-site";
import { buildSite } from "../../web/build";
import { contentSecurityPolicy } from "../../web/csp";
import { ImageGalleryStack } from "./image-gallery";
import { platformRefs } from "./platform";

export const WEB = "web";

export class WebSiteStack extends ServiceStack {
  readonly site: StaticSite;
  /** The `config.json` document, with references (`${...}`) in it. */
  readonly config: Record<string, unknown>;

  constructor(scope: Construct, env: Environment, services: readonly ServiceStack[], props: ServiceStackProps = {}) {
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
    this.config = { environment: env.name, region: env.region, apis, ...(cognito ? { cognito } : {}) };
    const site = buildSite();
    const logs = platformRefs(env).accessLogsBucket;
    this.site = new StaticSite(this, "Site", {
      name: this.physicalName("site"),
      files: [
        ...site.files.map((f) => ({ path: f.path, body: f.body, contentType: f.contentType, cacheControl: f.cacheControl })),
        { path: "config.json", body: JSON.stringify(this.config, null, 2), contentType: "application/json", cacheControl: "no-cache" },
      ],
      contentSecurityPolicy: contentSecurityPolicy({ connect, img }),
      logs: { bucket: logs, prefix: `${this.node.id}/cloudfront/` },
      bucketAccessLogs: { bucket: logs, prefix: `${this.node.id}/bucket/` },
      ...(env.siteDomain ? { domain: env.siteDomain } : {}),
    });
  }
}
