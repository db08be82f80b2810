/**
 * Mock integration (`MOCK`): API Gateway answers from its templates, no backend. VTL is
 * kept verbatim (`${` and `%{` escaped for Terraform).
 */
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { escapeMap } from "../terraform-text";
import type { IntegrationKind } from "./kind";
import { checkIntegrationParameters } from "./parameters";
import { checkRequestTemplates, checkResponses, withDefaultResponse, type IntegrationResponse, type PassthroughBehavior } from "./responses";

export interface MockIntegration {
  readonly type: "MOCK";
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly passthroughBehavior: PassthroughBehavior;
  readonly integrationResponses: readonly IntegrationResponse[];
  /** `integration.request.*` ← source mappings, read by the request template as `$input.params()`. */
  readonly requestParameters?: Readonly<Record<string, string>>;
}

export interface MockIntegrationOptions {
  /**
   * Request templates; the mock's status code is chosen here.
   * @default { "application/json": '{"statusCode": 200}' }
   */
  readonly requestTemplates?: Readonly<Record<string, string>>;
  /** @default "WHEN_NO_TEMPLATES" */
  readonly passthroughBehavior?: PassthroughBehavior;
  /**
   * Responses, with VTL response templates that build the body.
   * @default [{ statusCode: "200" }]
   */
  readonly integrationResponses?: readonly IntegrationResponse[];
  /** Integration request parameters (`integration.request.header.X` ← `method.request.header.Y`, `'literal'`, ...). @default {} */
  readonly requestParameters?: Readonly<Record<string, string>>;
}

/** Mock integration (`MOCK`): API Gateway answers from its templates, no backend. */
export function mockIntegration(options: MockIntegrationOptions = {}): MockIntegration {
  return {
    type: "MOCK",
    requestTemplates: options.requestTemplates ?? { "application/json": '{"statusCode": 200}' },
    passthroughBehavior: options.passthroughBehavior ?? "WHEN_NO_TEMPLATES",
    integrationResponses: withDefaultResponse(options.integrationResponses ?? []),
    ...(options.requestParameters !== undefined ? { requestParameters: options.requestParameters } : {}),
  };
}

export const mockKind: IntegrationKind<MockIntegration> = {
  check(i, ctx) {
    checkRequestTemplates(ctx.where, i.requestTemplates, i.passthroughBehavior, ctx.prop);
    checkIntegrationParameters(ctx.where, i.requestParameters ?? {}, ctx.pathParams, ctx.prop);
    checkResponses(ctx.where, i.integrationResponses, ctx.prop);
  },
  render(i, ctx) {
    const integration = new ApiGatewayIntegration(ctx.scope, `Integration ${ctx.label}`, {
      ...ctx.common,
      type: "MOCK",
      requestTemplates: escapeMap(i.requestTemplates),
      requestParameters: i.requestParameters && Object.keys(i.requestParameters).length > 0 ? { ...i.requestParameters } : undefined,
      passthroughBehavior: i.passthroughBehavior,
    });
    return { integration, responses: i.integrationResponses, emptyBody: true };
  },
  hashInput(i) {
    return i;
  },
};
