/**
 * HTTP_PROXY: the request forwarded to a loopback upstream, whose answer is the method
 * response; the upstream's restricted headers (`Connection`, `Content-Length`, `Date`,
 * `Server`, ...) arrive as `x-amzn-Remapped-<name>` (recorded: LocalStack's AWS-validated
 * `test_apigateway_header_remapping_http[HTTP_PROXY]`).
 */
import { responseHeaderName } from "../../headers";
import type { Invocation, IntegrationOutput } from "../invocation";
import { callUpstream } from "./http";

export async function httpProxy(inv: Invocation): Promise<IntegrationOutput> {
  const upstream = await callUpstream(inv);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    const sent = responseHeaderName(name);
    if (sent !== undefined) headers[sent] = value;
  }
  return { kind: "response", response: { status: upstream.status, headers, body: upstream.body } };
}
