import type { Rule } from "../types";
import { block, isToken } from "../../tfjson";

/**
 * Lambda runtimes that are current (not deprecated, not announced for deprecation within
 * the year, per the AWS Lambda runtimes page). Update when AWS adds or retires one.
 */
export const CURRENT_RUNTIMES: readonly string[] = [
  "nodejs20.x",
  "nodejs22.x",
  "nodejs24.x",
  "python3.10",
  "python3.11",
  "python3.12",
  "python3.13",
  "python3.14",
  "java17",
  "java21",
  "java25",
  "dotnet8",
  "dotnet10",
  "ruby3.3",
  "ruby3.4",
  "provided.al2023",
];

const fnName = (attrs: Record<string, unknown>) => String(attrs.function_name ?? "");

export const lambdaRules: readonly Rule[] = [
  {
    id: "LMB1",
    severity: "error",
    title: "Functions use a current runtime",
    appliesTo: ["aws_lambda_function"],
    check(r) {
      if (r.attrs.package_type === "Image") return [];
      const runtime = r.attrs.runtime;
      if (typeof runtime === "string" && (CURRENT_RUNTIMES.includes(runtime) || isToken(runtime))) return [];
      return [
        {
          message: `function "${fnName(r.attrs)}" runs ${runtime ? `"${String(runtime)}", which is not a current runtime` : "no explicit runtime"}`,
          fix: `set runtime to a current one (${CURRENT_RUNTIMES.filter((x) => x.startsWith("nodejs")).join(", ")}, ...)`,
        },
      ];
    },
  },
  {
    id: "LMB2",
    severity: "error",
    title: "Functions have X-Ray tracing active",
    appliesTo: ["aws_lambda_function"],
    check(r) {
      if (block(r.attrs.tracing_config)?.mode === "Active") return [];
      return [{ message: `function "${fnName(r.attrs)}" has X-Ray tracing off`, fix: 'set tracing_config { mode = "Active" }' }];
    },
  },
  {
    id: "LMB3",
    severity: "error",
    title: "Functions set memory and timeout explicitly",
    appliesTo: ["aws_lambda_function"],
    check(r) {
      const missing = ["memory_size", "timeout"].filter((k) => r.attrs[k] === undefined);
      if (missing.length === 0) return [];
      return [
        {
          message: `function "${fnName(r.attrs)}" relies on the default ${missing.join(" and ")}`,
          fix: `set ${missing.join(" and ")} explicitly`,
        },
      ];
    },
  },
  {
    id: "LMB4",
    severity: "error",
    title: "Lambda permissions for AWS services are scoped with a source ARN",
    appliesTo: ["aws_lambda_permission"],
    check(r) {
      const principal = String(r.attrs.principal ?? "");
      if (!principal.endsWith(".amazonaws.com") && !principal.endsWith(".amazonaws.com.cn")) return [];
      if (r.attrs.source_arn) return [];
      return [
        {
          message: `permission "${String(r.attrs.statement_id ?? r.name)}" lets any ${principal} resource invoke the function (no source_arn)`,
          fix: "set source_arn to the exact caller (for API Gateway: the execute-api ARN of the API, method and path)",
        },
      ];
    },
  },
  {
    id: "LMB5",
    severity: "error",
    title: "Lambda permissions are never public",
    appliesTo: ["aws_lambda_permission"],
    check(r) {
      const principal = String(r.attrs.principal ?? "");
      const urlPublic = r.attrs.function_url_auth_type === "NONE";
      if (principal !== "*" && !urlPublic) return [];
      return [
        {
          message: `permission "${String(r.attrs.statement_id ?? r.name)}" makes the function public (${urlPublic ? 'function URL auth "NONE"' : 'principal "*"'})`,
          fix: "grant a specific service or account principal",
        },
      ];
    },
  },
  {
    id: "LMB6",
    severity: "warning",
    title: "Functions reserve their concurrency",
    appliesTo: ["aws_lambda_function"],
    check(r) {
      const n = r.attrs.reserved_concurrent_executions;
      if (n !== undefined && n !== -1) return [];
      return [
        {
          message: `function "${fnName(r.attrs)}" has no reserved concurrency; a traffic spike can exhaust the account's pool`,
          fix: "set reserved_concurrent_executions",
        },
      ];
    },
  },
];
