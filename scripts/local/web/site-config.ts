/**
 * The local `config.json`: what Terraform writes into the site bucket on AWS, built here
 * from the gateway's model (API stage URLs on the gateway, the local user-pool API and its
 * hosted UI).
 */
import type { GatewayModel } from "../model/types";

export interface LocalSiteConfig {
  environment: string;
  region: string;
  apis: Record<string, Record<string, string>>;
  cognito?: { region: string; userPoolId: string; clientId: string; endpoint: string; domain: string };
}

/** `todos-dev` → `todos` (stacks are `<service>-<env>`). */
export function serviceOf(stack: string, env: string): string {
  return stack.endsWith(`-${env}`) ? stack.slice(0, -(env.length + 1)) : stack;
}

/** `arn:aws:cognito-idp:<region>:<account>:userpool/<id>` → region and pool id. */
export function poolOf(arn: string): { region: string; userPoolId: string } | undefined {
  const m = /^arn:aws:cognito-idp:([^:]+):[^:]*:userpool\/(.+)$/.exec(arn);
  return m ? { region: m[1]!, userPoolId: m[2]! } : undefined;
}

export function siteConfig(model: GatewayModel, gatewayUrl: string, cognitoEndpoint: string | undefined): LocalSiteConfig {
  const apis: Record<string, Record<string, string>> = {};
  let region = "us-east-1";
  for (const api of model.apis) {
    const service = serviceOf(api.stack, model.env);
    for (const stage of api.stages.values()) (apis[service] ??= {})[stage.name] = `${gatewayUrl}/${api.stack}/${stage.name}`;
  }
  let cognito: LocalSiteConfig["cognito"];
  for (const [arn, clients] of model.userPoolClients) {
    const pool = poolOf(arn);
    if (!pool || clients.length === 0 || !cognitoEndpoint) continue;
    region = pool.region;
    // one local origin serves both the user-pool API (`/`) and the hosted UI (`/oauth2/...`)
    cognito = { ...pool, clientId: clients[0]!, endpoint: cognitoEndpoint, domain: new URL(cognitoEndpoint).origin };
    break;
  }
  return { environment: model.env, region, apis, ...(cognito ? { cognito } : {}) };
}
