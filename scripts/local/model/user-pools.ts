/**
 * The Cognito part of the gateway model: each user pool's app clients with the settings the
 * local user-pool API enforces (the auth flows it allows, its OAuth grants, scopes, callback
 * and sign-out URLs), read from the synthesized `aws_cognito_user_pool_client`s.
 */
import { bool, str, type Json, type Resolver, type TfResource, type TfStack } from "../../../modules/tfjson";
import type { AppClientModel } from "./types";

const list = (v: Json | undefined): string[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map(String);

export interface UserPoolsModel {
  /** Cognito user pool ARN → app client ids (audiences). */
  readonly userPoolClients: Map<string, string[]>;
  readonly appClients: AppClientModel[];
}

export function userPoolsOf(stacks: readonly TfStack[], resolver: Resolver): UserPoolsModel {
  const byType = (type: string): TfResource[] => stacks.flatMap((s) => [...s.ofType(type)]);
  const pools = byType("aws_cognito_user_pool");
  const userPoolClients = new Map<string, string[]>();
  for (const r of pools) userPoolClients.set(resolver.str(r, "arn")!, []);
  const appClients: AppClientModel[] = [];
  for (const r of byType("aws_cognito_user_pool_client")) {
    const c = resolver.config(r);
    const pool = pools.find((p) => resolver.str(p, "id") === str(c.user_pool_id));
    if (!pool) continue;
    const poolArn = resolver.str(pool, "arn")!;
    const id = resolver.str(r, "id")!;
    userPoolClients.get(poolArn)?.push(id);
    appClients.push({
      id,
      poolArn,
      explicitAuthFlows: list(c.explicit_auth_flows),
      oauthEnabled: bool(c.allowed_oauth_flows_user_pool_client) ?? false,
      oauthFlows: list(c.allowed_oauth_flows),
      oauthScopes: list(c.allowed_oauth_scopes),
      callbackUrls: list(c.callback_urls),
      logoutUrls: list(c.logout_urls),
    });
  }
  return { userPoolClients, appClients };
}
