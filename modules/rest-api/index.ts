export {
  corsResponseHeaders,
  DEFAULT_CORS_HEADERS,
  originEchoTemplate,
  preflight,
  resolveCors,
  type CorsOptions,
  type PreflightSpec,
  type ResolvedCors,
} from "./cors";
export * from "./hash";
export * from "./integrations/index";
export * from "./paths";
export * from "./policy";
export * from "./props";
export * from "./rest-api";
export * from "./route-table";
export * from "./types";
