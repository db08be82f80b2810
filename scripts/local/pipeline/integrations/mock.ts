/** MOCK: the request template's `statusCode` selects the integration response; there is no back end. */
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
      if (rendered.trim() !== "") {
        const parsed = JSON.parse(rendered) as { statusCode?: unknown };
        if (parsed.statusCode !== undefined) statusCode = Number(parsed.statusCode);
      }
      // A template without references always renders the same: remember its status code.
      if (isStaticTemplate(template)) staticMockStatus.set(template, statusCode);
    }
  }
  return { kind: "mapped", selector: String(statusCode), body: "", headers: {} };
}
