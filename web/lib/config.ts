/**
 * The site's `config.json`: written by Terraform from references on AWS, by the local web
 * server for `npm start`. Nothing in it is secret: API keys are asked for (see key.ts).
 */
export interface CognitoConfig {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** The user-pool API (`https://cognito-idp.<region>.amazonaws.com/` on AWS; for SDK clients, the page does not call it). */
  readonly endpoint: string;
  /** The hosted UI (`https://<prefix>.auth.<region>.amazoncognito.com` on AWS): /oauth2/authorize, /oauth2/token, /logout. */
  readonly domain: string;
}

export interface SiteConfig {
  readonly environment: string;
  readonly region: string;
  /** Per service, per stage: the invoke URL (no trailing slash). */
  readonly apis: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly cognito?: CognitoConfig;
}

let loaded: Promise<SiteConfig> | undefined;

export function loadConfig(): Promise<SiteConfig> {
  loaded ??= fetch("/config.json", { cache: "no-store" }).then(async (res) => {
    if (!res.ok) throw new Error(`config.json answered ${res.status}`);
    return (await res.json()) as SiteConfig;
  });
  return loaded;
}

/** The stages of a service's API, in the config's order; an error names what is missing. */
export function stagesOf(config: SiteConfig, service: string): [string, string][] {
  const stages = Object.entries(config.apis[service] ?? {});
  if (stages.length === 0) throw new Error(`config.json lists no API for ${service}`);
  return stages;
}
