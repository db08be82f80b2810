/** The integrations by `aws_api_gateway_integration.type`. */
import type { Invocation, IntegrationOutput } from "../invocation";
import { aws } from "./aws";
import { awsProxy } from "./aws-proxy";
import { http } from "./http";
import { httpProxy } from "./http-proxy";
import { mock } from "./mock";

export type IntegrationHandler = (inv: Invocation) => IntegrationOutput | Promise<IntegrationOutput>;

export const INTEGRATIONS: ReadonlyMap<string, IntegrationHandler> = new Map<string, IntegrationHandler>([
  ["MOCK", mock],
  ["AWS", aws],
  ["AWS_PROXY", awsProxy],
  ["HTTP", http],
  ["HTTP_PROXY", httpProxy],
]);
