/**
 * `startWeb`: the pages on the environment's web origin (default `http://localhost:5173`),
 * with a `config.json` pointing at the local gateway and the local user-pool API, which it
 * also starts. The gateway calls it when asked (`web` option); `npm run dev` calls
 * `rebuild()` when web/ changes.
 */
import type { LocalCognito } from "../authorizers";
import type { GatewayModel } from "../model/types";
import { buildSite, PAGES, type SiteFile } from "../../../web/build";
import { contentSecurityPolicy } from "../../../web/csp";
import { LocalUserPools, startCognitoIdp, type LocalUser } from "./cognito-idp";
import { serviceOf, siteConfig } from "./site-config";
import { securityHeaders, startStaticServer, type StaticContent } from "./static";

export interface WebOptions {
  /** The origin the pages are served on; it must be in the APIs' CORS allow-list. @default "http://localhost:5173" */
  readonly origin?: string;
  /** Port of the local user-pool API. @default 0 (a free one) */
  readonly cognitoPort?: number;
  /** Notices (a busy port); default the console. */
  readonly log?: (line: string) => void;
}

export interface LocalWeb {
  /** Service → page URL, for endpoints.json's `web`. */
  readonly pages: Record<string, string>;
  readonly cognito: { endpoint: string; users: LocalUser[] };
  /** Rebuilds the pages from web/ (npm run dev). */
  rebuild(): number;
  /** A new model after a reload: new config.json. */
  update(model: GatewayModel): void;
  close(): Promise<void>;
}

export interface WebContext {
  readonly model: GatewayModel;
  readonly cognito: LocalCognito;
  readonly gatewayUrl: string;
  readonly s3Url: string;
}

export async function startWeb(context: WebContext, options: WebOptions = {}): Promise<LocalWeb> {
  const origin = new URL(options.origin ?? "http://localhost:5173");
  if (origin.protocol !== "http:" || !["localhost", "127.0.0.1"].includes(origin.hostname)) {
    throw new Error(`web origin ${origin.origin}: the local pages are served on http://localhost or http://127.0.0.1 only`);
  }
  const pools = new LocalUserPools(context.cognito);
  pools.setPools(context.model.userPoolClients, context.model.appClients);
  const idp = await startCognitoIdp(pools, options.cognitoPort ?? 0);

  let model = context.model;
  let files = new Map<string, SiteFile>();
  let content: StaticContent;
  // The CSP names the documents' <style> elements by hash: it follows each rebuild.
  let headers: Record<string, string> = {};
  const refresh = () => {
    content = { files, config: JSON.stringify(siteConfig(model, context.gatewayUrl, idp.url), null, 2), headers };
  };
  const rebuild = () => {
    const t = performance.now();
    const site = buildSite();
    files = new Map(site.files.map((f) => [f.path, f]));
    headers = securityHeaders(contentSecurityPolicy({ connect: [context.gatewayUrl, new URL(idp.url).origin], img: [context.s3Url], style: site.styleHashes }));
    refresh();
    return performance.now() - t;
  };
  rebuild();
  // 127.0.0.1 serves localhost too (Chromium resolves localhost to loopback itself).
  let server;
  try {
    server = await startStaticServer(() => content, "127.0.0.1", Number(origin.port || 80)).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "EADDRINUSE") throw error;
      // Another npm start (or a test) holds the port: serve anyway, and say why CORS will refuse.
      const fallback = await startStaticServer(() => content, "127.0.0.1", 0);
      (options.log ?? console.warn)(
        `warning: ${origin.origin} is in use; the pages are on http://${origin.hostname}:${fallback.port}, which the APIs' CORS allow-list does not name (free the port, or set WEB_ORIGIN and <ENV>_WEB_ORIGINS together)`,
      );
      return fallback;
    });
  } catch (error) {
    await idp.close();
    throw error;
  }
  const base = `${origin.protocol}//${origin.hostname}:${server.port}`;
  const services = new Set(model.apis.map((a) => serviceOf(a.stack, model.env)));
  const pages = Object.fromEntries(PAGES.filter((p) => services.has(p.service)).map((p) => [p.service, `${base}/${p.service}/`]));
  return {
    pages,
    cognito: { endpoint: idp.url, users: pools.seededUsers() },
    rebuild,
    update(next) {
      model = next;
      pools.setPools(next.userPoolClients, next.appClients);
      refresh();
    },
    async close() {
      await server.close();
      await idp.close();
    },
  };
}
