/**
 * Custom domain names: `aws_api_gateway_domain_name` with a base path mapping to one stage,
 * and the DNS alias target as an output.
 */
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { isResolved, PropError } from "../core/errors";
import type { DomainName, DomainNameOptions } from "./props";

export function renderDomainName(
  scope: Construct,
  api: ApiGatewayRestApi,
  stage: ApiGatewayStage,
  domainName: string,
  options: DomainNameOptions,
): DomainName {
  const where = scope.node.path;
  const prop = `domainNames.${domainName}`;
  const basePath = options.basePath ?? "";
  if (!/^[A-Za-z0-9._-]*$/.test(basePath)) {
    throw new PropError(where, `${prop}.basePath`, basePath, 'use one path segment without slashes, e.g. "v1", or "" for the root.');
  }
  const endpointType = options.endpointType ?? "REGIONAL";
  const id = `Domain-${domainName}`;
  const resource = new ApiGatewayDomainName(scope, id, {
    domainName,
    ...(endpointType === "REGIONAL" ? { regionalCertificateArn: options.certificateArn } : { certificateArn: options.certificateArn }),
    endpointConfiguration: { types: [endpointType] },
    securityPolicy: options.securityPolicy ?? "TLS_1_2",
  });
  const mapping = new ApiGatewayBasePathMapping(scope, `${id}-${basePath === "" ? "root" : basePath}`, {
    apiId: api.id,
    domainName: resource.domainName,
    stageName: stage.stageName,
    basePath: basePath === "" ? undefined : basePath,
  });
  const targetDomainName = endpointType === "REGIONAL" ? resource.regionalDomainName : resource.cloudfrontDomainName;
  const targetZoneId = endpointType === "REGIONAL" ? resource.regionalZoneId : resource.cloudfrontZoneId;
  new TerraformOutput(scope, `${id}-Target`, { value: targetDomainName, description: `DNS alias target of ${domainName}` });
  return { domainName, resource, mapping, targetDomainName, targetZoneId };
}

/** A fully qualified domain name, checked before the stage is looked up. */
export function checkDomainName(where: string, domainName: string): void {
  if (isResolved(domainName) && !/^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/.test(domainName)) {
    throw new PropError(where, "domainName", domainName, 'use a fully qualified domain name such as "api.example.com".');
  }
}
