/**
 * Resource policies for a REST API (`aws_api_gateway_rest_api.policy`). Resources use the
 * `execute-api:/<stage>/<METHOD>/<path>` short form, which API Gateway expands to the API's ARN.
 */
import { PropError } from "../core/errors";

export interface ResourcePolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal: "*" | Readonly<Record<string, string | readonly string[]>>;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface ResourcePolicy {
  readonly Version: "2012-10-17";
  readonly Statement: readonly ResourcePolicyStatement[];
}

const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const CIDR6 = /^[0-9A-Fa-f:]+\/\d{1,3}$/;

function checkCidr(cidr: string, prop: string): void {
  const m = CIDR4.exec(cidr);
  const ok4 = m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
  if (!ok4 && !CIDR6.test(cidr)) {
    throw new PropError("sourceIpPolicy", prop, cidr, 'use a CIDR range such as "203.0.113.0/24" or "2001:db8::/32".');
  }
}

/** An Allow of `execute-api:Invoke` for everyone, and a Deny (`sid`) for the requests that meet `condition`. */
function allowInvokeDenyUnless(resource: string, sid: string, condition: NonNullable<ResourcePolicyStatement["Condition"]>): ResourcePolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AllowInvoke", Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: resource },
      { Sid: sid, Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: resource, Condition: condition },
    ],
  };
}

/**
 * Allows `execute-api:Invoke` only from the listed source CIDR ranges: an Allow for
 * everyone and a Deny for requests whose `aws:SourceIp` is not in the list.
 */
export function sourceIpPolicy(cidrs: readonly string[], resource = "execute-api:/*"): ResourcePolicy {
  if (cidrs.length === 0) {
    throw new PropError("sourceIpPolicy", "cidrs", cidrs, "list at least one CIDR range, or leave the policy out.");
  }
  cidrs.forEach((c) => checkCidr(c, "cidrs"));
  return allowInvokeDenyUnless(resource, "DenyOutsideAllowList", { NotIpAddress: { "aws:SourceIp": [...cidrs] } });
}

export interface VpcPolicyOptions {
  /** VPCs whose traffic may invoke the API. @default none */
  readonly vpcIds?: readonly string[];
  /** VPC endpoints through which the API may be invoked. @default none */
  readonly vpcEndpointIds?: readonly string[];
}

/**
 * Allows `execute-api:Invoke` only through the listed VPCs (`aws:SourceVpc`) or VPC
 * endpoints (`aws:SourceVpce`), as a PRIVATE API needs.
 */
export function vpcPolicy(options: VpcPolicyOptions, resource = "execute-api:/*"): ResourcePolicy {
  const vpcIds = options.vpcIds ?? [];
  const vpces = options.vpcEndpointIds ?? [];
  if (vpcIds.length === 0 && vpces.length === 0) {
    throw new PropError("vpcPolicy", "vpcIds", vpcIds, "list at least one VPC id or VPC endpoint id.");
  }
  const condition: Record<string, readonly string[]> = {};
  if (vpcIds.length > 0) condition["aws:SourceVpc"] = [...vpcIds];
  if (vpces.length > 0) condition["aws:SourceVpce"] = [...vpces];
  return allowInvokeDenyUnless(resource, "DenyOutsideVpc", { StringNotEquals: condition });
}
