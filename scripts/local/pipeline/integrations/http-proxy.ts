/** HTTP_PROXY: the request forwarded to a loopback upstream, whose answer is the method response. */
import type { Invocation, IntegrationOutput } from "../invocation";
import { callUpstream } from "./http";

export async function httpProxy(inv: Invocation): Promise<IntegrationOutput> {
  const upstream = await callUpstream(inv);
  return { kind: "response", response: { status: upstream.status, headers: upstream.headers, body: upstream.body } };
}
