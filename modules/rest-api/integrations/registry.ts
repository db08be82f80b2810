/**
 * Picks the integration type's own checks, Terraform and hash input (`integrations/<type>.ts`).
 */
import { PropError } from "../../core/errors";
import { httpKind, httpProxyKind } from "./http";
import type { Integration, IntegrationType } from "./index";
import type { CheckContext, HashContext, IntegrationKind, RenderContext, RenderedIntegration } from "./kind";
import { lambdaKind, lambdaProxyKind } from "./lambda";
import { mockKind } from "./mock";

const KINDS: { readonly [T in IntegrationType]: IntegrationKind<Extract<Integration, { type: T }>> } = {
  AWS_PROXY: lambdaProxyKind,
  AWS: lambdaKind,
  MOCK: mockKind,
  HTTP_PROXY: httpProxyKind,
  HTTP: httpKind,
};

function kindOf(i: Integration): IntegrationKind<Integration> {
  return KINDS[i.type] as IntegrationKind<Integration>;
}

/** The checks every integration shares (timeout), then its type's own. */
export function checkIntegration(i: Integration, ctx: CheckContext): void {
  if ("timeoutMs" in i && i.timeoutMs !== undefined && (!Number.isInteger(i.timeoutMs) || i.timeoutMs < 50 || i.timeoutMs > 29000)) {
    throw new PropError(ctx.where, `${ctx.prop}.integration.timeoutMs`, i.timeoutMs, "use 50 to 29000 milliseconds.");
  }
  kindOf(i).check(i, ctx);
}

export function renderIntegration(i: Integration, ctx: RenderContext): RenderedIntegration {
  return kindOf(i).render(i, ctx);
}

export function integrationHashInput(i: Integration, ctx: HashContext): unknown {
  return kindOf(i).hashInput(i, ctx);
}
