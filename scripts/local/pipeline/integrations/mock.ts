/**
 * MOCK: the request template's `statusCode` selects the integration response; there is no
 * back end. The rendered template need not be strict JSON: API Gateway reads `{statusCode: 200}`
 * (recorded: LocalStack's AWS-validated `test_integration_mock_with_path_param`).
 */
import { chooseRequestTemplate, render } from "../../integrations";
import { isStaticTemplate } from "../../vtl";
import { GatewayError } from "../errors";
import { scopeOf, type Invocation, type IntegrationOutput } from "../invocation";

/** Status codes of MOCK request templates without references (`{"statusCode": 200}`), by template. */
const staticMockStatus = new Map<string, number>();

export function mock(inv: Invocation): IntegrationOutput {
  const choice = chooseRequestTemplate(inv.method!.integration!, inv.req);
  if (choice.kind === "unsupported") throw new GatewayError("UNSUPPORTED_MEDIA_TYPE");
  let statusCode = 200;
  if (choice.kind === "template") {
    const template = choice.template;
    const known = isStaticTemplate(template) ? staticMockStatus.get(template) : undefined;
    if (known !== undefined) statusCode = known;
    else {
      const rendered = render(template, scopeOf(inv), inv.req.body.toString("utf8"));
      const found = mockStatusCode(rendered);
      if (found !== undefined) statusCode = found;
      // A template without references always renders the same: remember its status code.
      if (isStaticTemplate(template)) staticMockStatus.set(template, statusCode);
    }
  }
  return { kind: "mapped", selector: String(statusCode), body: "", headers: {} };
}

/** The `statusCode` of a rendered MOCK template: JSON, else a `statusCode` key, quoted or not; undefined when there is none. */
export function mockStatusCode(rendered: string): number | undefined {
  if (rendered.trim() === "") return undefined;
  try {
    const parsed = JSON.parse(rendered) as { statusCode?: unknown };
    return parsed !== null && typeof parsed === "object" && parsed.statusCode !== undefined ? Number(parsed.statusCode) : undefined;
  } catch {
    const m = /["']?statusCode["']?\s*:\s*["']?(\d{3})\b/.exec(rendered);
    if (!m) throw new GatewayError("API_CONFIGURATION_ERROR");
    return Number(m[1]);
  }
}
