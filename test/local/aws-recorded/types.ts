/**
 * The shape of a recorded case: an API (routes, stage, gateway responses) built into a
 * fixture stack, a request sent to the local gateway, and what real API Gateway answered
 * to the same request, with the source of that answer.
 */

/** The fixture's Lambda functions (handlers in `handlers/`). */
export type FixtureFunction =
  /** Answers `{statusCode: 200, body: JSON.stringify(event)}`: the event as the proxy integration delivered it. */
  | "event"
  /** Answers `JSON.parse(event.body)` (base64-decoded first when `isBase64Encoded`): the response the client asked for. */
  | "from-body"
  /** Non-proxy: answers the event it was given (the request template's output). */
  | "echo"
  /** Non-proxy: throws `Error("boom")`. */
  | "throw"
  /** Non-proxy: waits 3 s (longer than a route's 100 ms integration timeout). */
  | "slow";

export interface IntegrationResponseSpec {
  readonly statusCode: string;
  readonly selectionPattern?: string;
  readonly responseTemplates?: Record<string, string>;
  /** `method.response.header.X` → mapping expression. */
  readonly responseParameters?: Record<string, string>;
}

export type IntegrationSpec =
  | { readonly type: "MOCK"; readonly requestTemplates?: Record<string, string>; readonly requestParameters?: Record<string, string> }
  | { readonly type: "AWS_PROXY"; readonly fn: FixtureFunction; readonly integrationHttpMethod?: string; readonly requestParameters?: Record<string, string>; readonly permission?: boolean; readonly timeoutMs?: number }
  | {
      readonly type: "AWS";
      readonly fn: FixtureFunction;
      readonly requestTemplates?: Record<string, string>;
      readonly requestParameters?: Record<string, string>;
      readonly passthroughBehavior?: string;
      readonly permission?: boolean;
      readonly timeoutMs?: number;
    }
  | {
      readonly type: "HTTP" | "HTTP_PROXY";
      /** Path on the loopback echo server (`/post`, `/status/{status}`). */
      readonly upstreamPath: string;
      readonly integrationHttpMethod: string;
      readonly requestTemplates?: Record<string, string>;
      readonly requestParameters?: Record<string, string>;
    };

export interface RouteSpec {
  /** Resource path: `/vtl/path`, `/{proxy+}`, `/{testPath}`. */
  readonly path: string;
  readonly method: string;
  /** `method.request.*` → required. */
  readonly requestParameters?: Record<string, boolean>;
  readonly apiKeyRequired?: boolean;
  /** A Lambda TOKEN authorizer (the fixture's authorizer: token `allow`). */
  readonly tokenAuthorizer?: boolean;
  readonly integration: IntegrationSpec;
  /** `application/json` request model (a name of the API's `models`), validated with the body. */
  readonly requestModel?: string;
  /** A request validator: `body`, `params`, or both. */
  readonly validate?: "body" | "params" | "all";
  /** Integration responses (each with its method response); default one `200`. */
  readonly responses?: readonly IntegrationResponseSpec[];
}

export interface GatewayResponseSpec {
  readonly type: string;
  readonly statusCode?: string;
  readonly responseParameters?: Record<string, string>;
  readonly responseTemplates?: Record<string, string>;
}

export interface ApiSpec {
  /** Stack name prefix: the stack is `<name>-recorded`, served at `/<name>-recorded/<stage>`. */
  readonly name: string;
  /** Stage name (the recordings' `requestContext.path` starts with it). */
  readonly stage: string;
  readonly stageVariables?: Record<string, string>;
  readonly binaryMediaTypes?: readonly string[];
  readonly gatewayResponses?: readonly GatewayResponseSpec[];
  /** Models by name; in a schema, `{apiId}` stands for the API's id (for `$ref` URLs). */
  readonly models?: Record<string, unknown>;
  readonly routes: readonly RouteSpec[];
}

/** An expected value: exact (deep-equal), or `{ match }` a regular expression on a string. */
export type Expected = unknown | { readonly match: string };

export interface RecordedRequest {
  readonly method: string;
  /** Path below the stage, exactly as sent (`/proxy-value//double-slash`). */
  readonly path: string;
  /** Raw query string without `?`, sent as is. */
  readonly query?: string;
  /** Header lines in order, names as sent (their case matters). */
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
}

export interface RecordedExpectation {
  readonly status: number;
  /** Response headers by name (any case); `null`: the header is absent. */
  readonly headers?: Record<string, Expected | null>;
  /** The body, exactly. */
  readonly body?: string;
  /** The body's bytes, base64. */
  readonly bodyBase64?: string;
  /** The body parsed as JSON, deep-equal. */
  readonly json?: unknown;
  /** JSON pointers (`/requestContext/path`) into the parsed body → expected value; `null` value: exactly null. */
  readonly fields?: Record<string, Expected>;
  /** JSON pointers → the exact set of keys of the object there. */
  readonly keys?: Record<string, readonly string[]>;
  /** JSON pointers that must not exist. */
  readonly absent?: readonly string[];
}

export interface RecordedCase {
  readonly id: string;
  /** Where AWS's answer comes from: a documentation URL, or `localstack/localstack <path>::<test> "<snapshot key>"`. */
  readonly source: string;
  /** The ApiSpec name. */
  readonly api: string;
  readonly request: RecordedRequest;
  readonly expect: RecordedExpectation;
}

export interface RecordedSuite {
  /** The class of behaviour (one file each). */
  readonly title: string;
  readonly apis: readonly ApiSpec[];
  readonly cases: readonly RecordedCase[];
}
