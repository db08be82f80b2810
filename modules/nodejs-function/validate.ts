import type { IConstruct } from "constructs";
import { isResolved, PropError } from "../core/errors";
import type { PolicyStatement } from "../core/grant";
import { NODEJS_RUNTIMES } from "./esbuild-options";

// Pure checks behind NodejsFunction's constructor. Each throws a PropError naming the prop,
// the value and the fix; none looks at unresolved tokens.

export const LAMBDA_ARCHITECTURES = ["arm64", "x86_64"] as const;
export type LambdaArchitecture = (typeof LAMBDA_ARCHITECTURES)[number];

/** CloudWatch Logs' accepted retention values, in days (0 means never expire). */
export const LOG_RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Variables the Lambda service sets itself and refuses in a function's configuration. */
export const RESERVED_ENVIRONMENT_KEYS: ReadonlySet<string> = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_DEFAULT_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_LAMBDA_RUNTIME_API",
  "AWS_REGION",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "LAMBDA_RUNTIME_DIR",
  "LAMBDA_TASK_ROOT",
]);

/**
 * Actions IAM cannot scope to a resource, so `Resource: "*"` is the only valid form.
 * Any other action must name exact ARNs.
 */
export const UNSCOPABLE_ACTIONS: ReadonlySet<string> = new Set([
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "cloudwatch:PutMetricData",
  "dynamodb:ListTables",
  "s3:ListAllMyBuckets",
  "ses:GetSendQuota",
]);

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;
const VERSION_NUMBER = /^[1-9][0-9]*$/;
const STAGE_VARIABLE = /^[A-Za-z0-9_]+$/;
const ENV_KEY = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const SID = /^[A-Za-z0-9]+$/;

type Scope = IConstruct | string;

function integerIn(scope: Scope, prop: string, value: number | undefined, min: number, max: number, unit: string) {
  if (value === undefined || !isResolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PropError(scope, prop, value, `use a whole number from ${min} to ${max} (${unit}).`);
  }
}

export function validateMemorySize(scope: Scope, value: number | undefined): void {
  integerIn(scope, "memorySize", value, 128, 10240, "MB");
}

export function validateTimeout(scope: Scope, value: number | undefined): void {
  integerIn(scope, "timeout", value, 1, 900, "seconds; Lambda's limit is 900");
}

export function validateReservedConcurrency(scope: Scope, value: number | undefined): void {
  if (value === undefined || !isResolved(value)) return;
  if (!Number.isInteger(value) || value < 0) {
    throw new PropError(
      scope,
      "reservedConcurrency",
      value,
      "use a whole number >= 0 (0 stops the function from running), or leave it out for no reservation.",
    );
  }
}

export function validateFunctionName(scope: Scope, value: string): void {
  if (!isResolved(value)) return;
  if (!FUNCTION_NAME.test(value)) {
    throw new PropError(
      scope,
      "functionName",
      value,
      "use 1 to 64 characters, only letters, digits, hyphens and underscores.",
    );
  }
}

export function validateDescription(scope: Scope, value: string | undefined): void {
  if (value === undefined || !isResolved(value)) return;
  if (value.length > 256) throw new PropError(scope, "description", value, "use at most 256 characters.");
}

export function validateRuntime(scope: Scope, value: string): void {
  if (!(NODEJS_RUNTIMES as readonly string[]).includes(value)) {
    throw new PropError(scope, "runtime", value, `use one of ${NODEJS_RUNTIMES.join(", ")}.`);
  }
}

export function validateArchitecture(scope: Scope, value: string): void {
  if (!(LAMBDA_ARCHITECTURES as readonly string[]).includes(value)) {
    throw new PropError(scope, "architecture", value, `use one of ${LAMBDA_ARCHITECTURES.join(", ")}.`);
  }
}

export function validateLogRetentionDays(scope: Scope, value: number): void {
  if (!isResolved(value)) return;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(value)) {
    throw new PropError(
      scope,
      "logRetentionDays",
      value,
      `use one of CloudWatch Logs' values: ${LOG_RETENTION_DAYS.join(", ")} (0 = never expire).`,
    );
  }
}

export function validateEnvironmentKey(scope: Scope, key: string): void {
  if (!ENV_KEY.test(key)) {
    throw new PropError(
      scope,
      "environment",
      key,
      "name variables with letters, digits and underscores, starting with a letter.",
    );
  }
  if (RESERVED_ENVIRONMENT_KEYS.has(key)) {
    throw new PropError(scope, "environment", key, "this variable is reserved by Lambda; choose another name.");
  }
}

export function validateAliasName(scope: Scope, name: string): void {
  if (name.length > 128 || !ALIAS_NAME.test(name)) {
    throw new PropError(
      scope,
      `aliases.${name}`,
      name,
      "alias names are 1 to 128 letters, digits, hyphens or underscores, and not only digits.",
    );
  }
}

export function validateAliasTarget(scope: Scope, name: string, version: string): void {
  if (!isResolved(version)) return;
  if (version === "$LATEST" || version === "latest" || VERSION_NUMBER.test(version)) return;
  throw new PropError(
    scope,
    `aliases.${name}`,
    version,
    'point the alias at "$LATEST", "latest" (the newest published version) or a published version number like "3".',
  );
}

export function validateStageVariable(scope: Scope, variable: string): void {
  if (!STAGE_VARIABLE.test(variable)) {
    throw new PropError(
      scope,
      "variable",
      variable,
      "stage variable names use only letters, digits and underscores.",
    );
  }
}

/** Least privilege for statements added to a function's role. */
export function validateStatement(scope: Scope, statement: PolicyStatement, existingSids: ReadonlySet<string>): void {
  if (statement.actions.length === 0) {
    throw new PropError(scope, "statement.actions", statement.actions, "list at least one exact action.");
  }
  for (const action of statement.actions) {
    if (!isResolved(action)) continue;
    if (action.includes("*") || !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
      throw new PropError(
        scope,
        "statement.actions",
        action,
        'name exact actions like "dynamodb:GetItem"; wildcard actions are not allowed.',
      );
    }
  }
  if (statement.resources.length === 0) {
    throw new PropError(scope, "statement.resources", statement.resources, "list the exact ARNs the actions apply to.");
  }
  if (statement.resources.includes("*")) {
    const scopable = statement.actions.filter((a) => isResolved(a) && !UNSCOPABLE_ACTIONS.has(a));
    if (scopable.length > 0) {
      throw new PropError(
        scope,
        "statement.resources",
        "*",
        `${scopable.join(", ")} can be scoped to a resource: list exact ARNs instead of "*".`,
      );
    }
  }
  if (statement.sid !== undefined) {
    if (!SID.test(statement.sid)) {
      throw new PropError(scope, "statement.sid", statement.sid, "use letters and digits only.");
    }
    if (existingSids.has(statement.sid)) {
      throw new PropError(scope, "statement.sid", statement.sid, "this statement id is already used on the role.");
    }
  }
}
