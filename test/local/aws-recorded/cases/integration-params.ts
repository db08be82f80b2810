/**
 * Integration request parameters: the header mappings API Gateway refuses at runtime (500
 * Internal server error), for each integration type, and path parameters mapped into an
 * HTTP endpoint's URI with status selection.
 */
import type { RecordedCase, RecordedSuite, RouteSpec } from "../types";
import { REMAP_REQUEST_HEADERS } from "./headers";

const INTEGRATIONS = "localstack/localstack tests/aws/services/apigateway/test_apigateway_integrations.snapshot.json TestApiGatewayHeaderRemapping";
const SELECTION = "localstack/localstack tests/aws/services/apigateway/test_apigateway_integrations.py::test_http_integration_status_code_selection (aws.validated, test_apigateway_integrations.validation.json)";

/** The value the recordings map to each refused header. */
const REFUSED: Record<string, string> = {
  "Content-Length": "'0'",
  "Transfer-Encoding": "'deflate'",
  Authorization: "'request_params_authorization'",
  Connection: "'keep-alive'",
  Expect: "'200-ok'",
  "Proxy-Authenticate": "'Basic realm=\"Access to the internal site\"'",
  TE: "'gzip'",
};

type Kind = "HTTP" | "HTTP_PROXY" | "AWS" | "AWS_PROXY";
const KINDS: Record<Kind, readonly string[]> = {
  HTTP: ["Content-Length", "Transfer-Encoding"],
  HTTP_PROXY: ["Content-Length", "Transfer-Encoding"],
  AWS: Object.keys(REFUSED),
  AWS_PROXY: Object.keys(REFUSED),
};

const slug = (text: string) => text.toLowerCase().replace(/_/g, "-");

function refusedRoute(kind: Kind, header: string): RouteSpec {
  const requestParameters = { [`integration.request.header.${header}`]: REFUSED[header]! };
  const path = `/${slug(kind)}/${header.toLowerCase()}`;
  if (kind === "HTTP" || kind === "HTTP_PROXY") return { path, method: "GET", integration: { type: kind, upstreamPath: "/post", integrationHttpMethod: "POST", requestParameters } };
  if (kind === "AWS") return { path, method: "GET", integration: { type: "AWS", fn: "echo", requestParameters } };
  return { path, method: "GET", integration: { type: "AWS_PROXY", fn: "event", requestParameters } };
}

const refusedCases: RecordedCase[] = (Object.keys(KINDS) as Kind[]).flatMap((kind) =>
  KINDS[kind].map(
    (header): RecordedCase => ({
      id: `${kind}: mapping integration.request.header.${header} fails with 500`,
      source: `${INTEGRATIONS}::test_apigateway_header_remapping_${kind.startsWith("HTTP") ? "http" : "aws"}[${kind}] "${header.toLowerCase()}"`,
      api: "params",
      request: { method: "GET", path: `/${slug(kind)}/${header.toLowerCase()}`, headers: REMAP_REQUEST_HEADERS.filter(([name]) => !["Transfer-Encoding", "Expect", "Trailer"].includes(name)) },
      expect: { status: 500, headers: { "x-amzn-ErrorType": "InternalServerErrorException", "Content-Type": "application/json" }, json: { message: "Internal server error" } },
    }),
  ),
);

export const suite: RecordedSuite = {
  title: "integration parameters",
  apis: [
    {
      name: "params",
      stage: "test",
      routes: [
        ...(Object.keys(KINDS) as Kind[]).flatMap((kind) => KINDS[kind].map((header) => refusedRoute(kind, header))),
        {
          path: "/{status}",
          method: "GET",
          requestParameters: { "method.request.path.status": true },
          integration: { type: "HTTP", upstreamPath: "/status/{status}", integrationHttpMethod: "GET", requestParameters: { "integration.request.path.status": "method.request.path.status" } },
          responses: [{ statusCode: "200" }, { statusCode: "400", selectionPattern: "4\\d{2}" }],
        },
      ],
    },
  ],
  cases: [
    ...refusedCases,
    {
      id: "HTTP: a path parameter mapped into the URI; the endpoint's 404 selects the 4\\d{2} response (400)",
      source: SELECTION,
      api: "params",
      request: { method: "GET", path: "/404", headers: [["User-Agent", "python-requests/testing"]] },
      expect: { status: 400 },
    },
    {
      id: "HTTP: the endpoint's 201 falls to the default response (200)",
      source: SELECTION,
      api: "params",
      request: { method: "GET", path: "/201", headers: [["User-Agent", "python-requests/testing"]] },
      expect: { status: 200 },
    },
  ],
};
