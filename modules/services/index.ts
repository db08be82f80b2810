import type { App } from "cdktf";
import type { Environment } from "../config/environments";
import type { ServiceStack } from "../core/service-stack";
import { ImageGalleryStack } from "./image-gallery";
import { ItemsCatalogStack } from "./items-catalog";
import { MusicLibraryStack } from "./music-library";
import { applyPolicyToAll } from "../policy";
import { checkApiGatewayAccountOwners, PlatformStack } from "./platform";
import { StateBootstrapStack } from "./state-bootstrap";
import { StudentRecordsStack } from "./student-records";
import { TodosStack } from "./todos";
import { WebEdgeStack } from "./web-edge";
import { WebSiteStack } from "./web-site";
import { warmSynthSite } from "../../web/site-cache";

export { PlatformStack, alarmTopic, checkApiGatewayAccountOwners, alarmTopicArn, platformRefs, type PlatformRefs } from "./platform";
export { StateBootstrapStack, stateBootstrapStackId } from "./state-bootstrap";
export { ImageGalleryStack } from "./image-gallery";
export { ItemsCatalogStack } from "./items-catalog";
export { MusicLibraryStack } from "./music-library";
export { StudentRecordsStack } from "./student-records";
export { TodosStack } from "./todos";
export { WebEdgeStack } from "./web-edge";
export { WebSiteStack } from "./web-site";

/**
 * Builds one service's stack for one environment, id `<service>-<env>`. The platform stack
 * is passed for reference; defineApp makes the service stack depend on it.
 */
export type ServiceFactory = (app: App, env: Environment, platform: PlatformStack) => ServiceStack;

/**
 * Every service, one stack per environment each. Add a service here:
 *   (app, env) => new TodosStack(app, env),
 * defineApp makes it depend on the platform stack and guards it with the policy rules.
 */
export const SERVICES: readonly ServiceFactory[] = [
  (app, env) => new StudentRecordsStack(app, env),
  (app, env) => new TodosStack(app, env),
  (app, env) => new ItemsCatalogStack(app, env),
  (app, env) => new MusicLibraryStack(app, env),
  (app, env) => new ImageGalleryStack(app, env),
];

/** The stacks of one environment. */
export interface EnvironmentStacks {
  readonly env: Environment;
  /** Only for environments whose backend is s3; applied once, first, with local state. */
  readonly stateBootstrap?: StateBootstrapStack;
  readonly platform: PlatformStack;
  readonly services: readonly ServiceStack[];
  /** The environment's site infrastructure (distribution, bucket), before the service stacks. */
  readonly webEdge?: WebEdgeStack;
  /** The environment's site files (web/) and config.json, after every service stack. */
  readonly web?: WebSiteStack;
}

/** The environment as the service stacks see it: its web origins plus the site's own (deduplicated). */
export function withSiteOrigins(env: Environment, siteOrigins: readonly string[]): Environment {
  return { ...env, webOrigins: [...new Set([...env.webOrigins, ...siteOrigins])] };
}

/**
 * Adds every stack of every environment to the app: the state-bootstrap stack (s3 backends
 * only), the platform stack, and each service stack, which depends on the platform stack.
 * Nothing depends on the state-bootstrap stack: its state is local, so it is applied once,
 * by hand, before anything else, and left out of `cdktf deploy` runs in CI.
 */
export function defineApp(
  app: App,
  environments: readonly Environment[],
  services: readonly ServiceFactory[] = SERVICES,
): EnvironmentStacks[] {
  checkApiGatewayAccountOwners(environments);
  if (services === SERVICES && environments.length > 0) warmSynthSite();
  const stacks = environments.map((env) => {
    const stateBootstrap = env.backend.kind === "s3" ? new StateBootstrapStack(app, env) : undefined;
    const platform = new PlatformStack(app, env);
    // The site's distribution first: the services read its origin (a cross-stack reference)
    // into their CORS allow-lists and callback URLs, so no second pass names it by hand.
    const webEdge = services === SERVICES ? new WebEdgeStack(app, env) : undefined;
    webEdge?.addDependency(platform);
    const serviceEnv = webEdge ? withSiteOrigins(env, webEdge.site.origins) : env;
    const stacks = services.map((make) => {
      const stack = make(app, serviceEnv, platform);
      stack.addDependency(platform);
      if (webEdge) stack.addDependency(webEdge);
      return stack;
    });
    const web = webEdge ? new WebSiteStack(app, env, webEdge, stacks) : undefined;
    web?.addDependency(platform);
    return { env, ...(stateBootstrap ? { stateBootstrap } : {}), platform, services: stacks, ...(webEdge ? { webEdge } : {}), ...(web ? { web } : {}) };
  });
  // Guardrails on every stack, the platform and state-bootstrap ones included: an
  // unsuppressed policy error fails the synth (modules/policy).
  applyPolicyToAll(app);
  return stacks;
}
