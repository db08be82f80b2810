/**
 * Authorizers: Cognito user pools and Lambda (TOKEN / REQUEST) authorizers, validated, as
 * `aws_api_gateway_authorizer` (plus the Lambda permission of a Lambda authorizer), and
 * as plain data for the route table and the deployment hash.
 */
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { Construct } from "constructs";
import { isResolved, PropError } from "../core/errors";
import { lambdaInvokeUri } from "../core/function-ref";
import { aliasName, checkAlias, isAliasTarget, targetFunction } from "./integrations/target";
import { checkTtl } from "./limits";
import { renderAuthorizerPermission } from "./permissions";
import type { Authorizer } from "./props";
import { stableText } from "./terraform-text";
import type { AuthorizerDefinition, AuthorizerOptions } from "./types";

/** A Cognito user pool ARN as the AWS provider accepts it (12-digit account). */
const USER_POOL_ARN = /^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[^/\s]+$/;

/** The authorizers of one API, by name. */
export class Authorizers {
  private readonly authorizers = new Map<string, { authorizer: Authorizer; def: AuthorizerDefinition }>();

  constructor(
    private readonly scope: Construct,
    private readonly api: ApiGatewayRestApi,
  ) {}

  add(name: string, options: AuthorizerOptions): Authorizer {
    const scope = this.scope;
    const where = scope.node.path;
    const prop = `authorizers.${name}`;
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(name)) {
      throw new PropError(where, "authorizer", name, "name an authorizer with letters, digits, - or _.");
    }
    if (this.authorizers.has(name)) {
      throw new PropError(where, "authorizer", name, "an authorizer with this name already exists; choose another name.");
    }
    const ttl = options.resultTtlSeconds ?? 300;
    checkTtl(ttl, where, `${prop}.resultTtlSeconds`);
    let def: AuthorizerDefinition;
    let resource: ApiGatewayAuthorizer;
    const id = `Authorizer-${name}`;
    if (options.type === "COGNITO_USER_POOLS") {
      if (options.userPoolArns.length === 0) {
        throw new PropError(where, `${prop}.userPoolArns`, options.userPoolArns, "list at least one Cognito user pool ARN.");
      }
      // Terraform's provider refuses a literal ARN whose account is not 12 digits, at validate.
      for (const arn of options.userPoolArns) {
        if (isResolved(arn) && !USER_POOL_ARN.test(arn)) {
          throw new PropError(where, `${prop}.userPoolArns`, arn, 'give a user pool ARN, "arn:aws:cognito-idp:<region>:<12-digit account>:userpool/<pool id>", or the pool\'s `arn` attribute.');
        }
      }
      const identitySource = options.identitySource ?? "method.request.header.Authorization";
      resource = new ApiGatewayAuthorizer(scope, id, {
        restApiId: this.api.id,
        name,
        type: "COGNITO_USER_POOLS",
        providerArns: [...options.userPoolArns],
        identitySource,
        authorizerResultTtlInSeconds: ttl,
      });
      def = { name, type: options.type, identitySource, resultTtlSeconds: ttl, providerArns: options.userPoolArns.map((a) => stableText(scope, a)) };
    } else {
      let identitySource: string;
      if (options.type === "TOKEN") {
        identitySource = options.identitySource ?? "method.request.header.Authorization";
        if (!identitySource.startsWith("method.request.header.")) {
          throw new PropError(where, `${prop}.identitySource`, identitySource, 'a TOKEN authorizer reads one header: "method.request.header.<Name>".');
        }
      } else {
        if (options.identitySources.length === 0 && ttl > 0) {
          throw new PropError(where, `${prop}.identitySources`, options.identitySources, "list the request parameters that identify a caller (they key the cached result), or set resultTtlSeconds to 0.");
        }
        identitySource = options.identitySources.join(",");
      }
      const target = options.fn;
      const fn = targetFunction(target);
      const qualifier = isAliasTarget(target) ? aliasName(target) : undefined;
      if (qualifier !== undefined) checkAlias(where, fn, qualifier, `${prop}.fn`);
      const uri = qualifier ? lambdaInvokeUri(fn.region, `${fn.arn}:${qualifier}`) : fn.invokeArn;
      resource = new ApiGatewayAuthorizer(scope, id, {
        restApiId: this.api.id,
        name,
        type: options.type,
        authorizerUri: uri,
        identitySource: identitySource === "" ? undefined : identitySource,
        identityValidationExpression: options.type === "TOKEN" ? options.validationExpression : undefined,
        authorizerResultTtlInSeconds: ttl,
      });
      renderAuthorizerPermission(scope, this.api, name, fn, qualifier, resource.id);
      def = {
        name,
        type: options.type,
        identitySource,
        resultTtlSeconds: ttl,
        target: qualifier ? `${fn.id}:${qualifier}` : fn.id,
        invokes: stableText(scope, qualifier ? `${fn.functionName}:${qualifier}` : fn.functionName),
        ...(options.type === "TOKEN" && options.validationExpression ? { validationExpression: options.validationExpression } : {}),
      };
    }
    const authorizer = { name, type: options.type, resource };
    this.authorizers.set(name, { authorizer, def });
    return authorizer;
  }

  /** The name of an authorizer returned by {@link add}; a PropError otherwise. */
  nameOf(a: Authorizer, prop: string): string {
    const known = this.authorizers.get(a.name);
    if (!known || known.authorizer !== a) {
      throw new PropError(this.scope.node.path, prop, a.name, "use an authorizer returned by this API's addAuthorizer.");
    }
    return a.name;
  }

  get(name: string): { authorizer: Authorizer; def: AuthorizerDefinition } | undefined {
    return this.authorizers.get(name);
  }

  definitions(): AuthorizerDefinition[] {
    return [...this.authorizers.values()].map((a) => a.def);
  }
}

/** The method's `authorization` and `authorizer_id` for a route's authorizer (`"IAM"`, a name, or none). */
export function methodAuthorization(authorizers: Authorizers, name: string | undefined): { authorization: string; authorizerId?: string } {
  if (name === "IAM") return { authorization: "AWS_IAM" };
  const a = name === undefined ? undefined : authorizers.get(name);
  if (!a) return { authorization: "NONE" };
  return { authorization: a.def.type === "COGNITO_USER_POOLS" ? "COGNITO_USER_POOLS" : "CUSTOM", authorizerId: a.authorizer.resource.id };
}
