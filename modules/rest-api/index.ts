export * from "./cors";
export * from "./hash";
export * from "./integrations";
export * from "./paths";
export * from "./policy";
export * from "./rest-api";
export * from "./route-table";
export * from "./types";
