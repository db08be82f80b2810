export * from "./errors";
export * from "./grant";
export * from "./function-ref";
export * from "./service-stack";
