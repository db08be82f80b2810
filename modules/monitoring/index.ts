import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
  type CloudwatchMetricAlarmMetricQuery,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { PropError, isResolved } from "../core/errors";

/**
 * CloudWatch alarms for the resources this project emits. Every alarm notifies one SNS
 * topic on ALARM and on OK, and treats missing data as not breaching (no traffic is not an
 * incident). Each helper has a pure `...Config` twin that tests can check without a synth.
 */

export interface AlarmOptions {
  /** SNS topic notified on ALARM and OK (the platform stack's alarm topic). */
  readonly topicArn: string;
  /** @default derived from the watched resource, e.g. `<function>-error-rate` */
  readonly alarmName?: string;
  /** @default a sentence naming the metric and the threshold */
  readonly description?: string;
  /** Length of each evaluated period, a multiple of 60. @default 300 */
  readonly periodSeconds?: number;
  /** Periods evaluated. @default 1 */
  readonly evaluationPeriods?: number;
  /** Breaching periods, among evaluationPeriods, that raise the alarm. @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
}

export interface LambdaErrorRateAlarmProps extends AlarmOptions {
  /** Name of the function to watch (`FunctionName` dimension). */
  readonly functionName: string;
  /** Watch one alias or version (`Resource` dimension `<function>:<qualifier>`). @default the whole function */
  readonly qualifier?: string;
  /** Alarm when 100 × Errors / Invocations exceeds this. @default 5 */
  readonly thresholdPercent?: number;
}

export interface ApiGatewayAlarmProps extends AlarmOptions {
  /** The REST API's name (the `ApiName` dimension). */
  readonly apiName: string;
  /** The stage name (the `Stage` dimension). */
  readonly stage: string;
}

export interface ApiGatewayErrorRateAlarmProps extends ApiGatewayAlarmProps {
  /** Alarm when this percentage of requests fail. @default 1 for 5XX, 10 for 4XX */
  readonly thresholdPercent?: number;
}

export interface ApiGatewayLatencyAlarmProps extends ApiGatewayAlarmProps {
  /** Alarm when the p99 of `Latency` exceeds this many milliseconds. @default 3000 */
  readonly thresholdMs?: number;
}

export interface DynamoThrottleAlarmProps extends AlarmOptions {
  /** Name of the table to watch (`TableName` dimension). */
  readonly tableName: string;
  /**
   * Which throttle events count: `read` (ReadThrottleEvents), `write` (WriteThrottleEvents)
   * or `all` (their sum, by metric math).
   * @default "all"
   */
  readonly events?: "read" | "write" | "all";
  /** Alarm when at least this many requests are throttled in a period. @default 1 */
  readonly threshold?: number;
}

export const DEFAULT_PERIOD_SECONDS = 300;
export const DEFAULT_LAMBDA_ERROR_PERCENT = 5;
export const DEFAULT_API_5XX_PERCENT = 1;
export const DEFAULT_API_4XX_PERCENT = 10;
export const DEFAULT_API_LATENCY_P99_MS = 3000;

type Config = Omit<CloudwatchMetricAlarmConfig, keyof TerraformMetaArguments>;

function where(scope: Construct | string, id: string): string {
  return typeof scope === "string" ? `${scope}/${id}` : `${scope.node.path}/${id}`;
}

function requireName(w: string, prop: string, value: string): void {
  if (typeof value !== "string" || (isResolved(value) && value.trim().length === 0)) {
    throw new PropError(w, prop, value, `give the ${prop} to watch.`);
  }
}

function checkPercent(w: string, value: number): void {
  if (!isResolved(value)) return;
  if (typeof value !== "number" || !(value > 0 && value <= 100)) {
    throw new PropError(w, "thresholdPercent", value, "use a percentage above 0 and at most 100.");
  }
}

/** The settings every alarm shares, validated. */
type Common = Pick<
  Config,
  "alarmName" | "alarmDescription" | "evaluationPeriods" | "datapointsToAlarm" | "treatMissingData" | "alarmActions" | "okActions"
> & { readonly period: number };

function common(w: string, o: AlarmOptions, name: string, description: string): Common {
  if (typeof o.topicArn !== "string" || (isResolved(o.topicArn) && !/^arn:aws[a-z-]*:sns:[^:]+:\d{12}:.+$/.test(o.topicArn))) {
    throw new PropError(w, "topicArn", o.topicArn, "give the ARN of the SNS topic to notify (arn:aws:sns:<region>:<account>:<name>).");
  }
  const period = o.periodSeconds ?? DEFAULT_PERIOD_SECONDS;
  if (!Number.isInteger(period) || period < 60 || period % 60 !== 0) {
    throw new PropError(w, "periodSeconds", period, "use a multiple of 60 seconds: these metrics are published every minute.");
  }
  const evaluationPeriods = o.evaluationPeriods ?? 1;
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
    throw new PropError(w, "evaluationPeriods", evaluationPeriods, "use a whole number, at least 1.");
  }
  const datapointsToAlarm = o.datapointsToAlarm ?? evaluationPeriods;
  if (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
    throw new PropError(w, "datapointsToAlarm", datapointsToAlarm, `use a whole number from 1 to evaluationPeriods (${evaluationPeriods}).`);
  }
  if (period * evaluationPeriods > 86400) {
    throw new PropError(
      w,
      "evaluationPeriods",
      evaluationPeriods,
      `periodSeconds × evaluationPeriods is ${period * evaluationPeriods}: keep the evaluated range within one day (86400 s).`,
    );
  }
  return {
    alarmName: o.alarmName ?? name,
    alarmDescription: o.description ?? description,
    evaluationPeriods,
    datapointsToAlarm,
    period,
    treatMissingData: "notBreaching",
    alarmActions: [o.topicArn],
    okActions: [o.topicArn],
  };
}

function minutes(period: number): string {
  return period === 60 ? "1 minute" : `${period / 60} minutes`;
}

/** Config of `lambdaErrorRateAlarm`: metric math `100 * errors / invocations` over Sum statistics. */
export function lambdaErrorRateAlarmConfig(scope: Construct | string, id: string, props: LambdaErrorRateAlarmProps): Config {
  const w = where(scope, id);
  requireName(w, "functionName", props.functionName);
  const threshold = props.thresholdPercent ?? DEFAULT_LAMBDA_ERROR_PERCENT;
  checkPercent(w, threshold);
  if (props.qualifier !== undefined) requireName(w, "qualifier", props.qualifier);
  const target = props.qualifier !== undefined ? `${props.functionName}:${props.qualifier}` : props.functionName;
  const dimensions: Record<string, string> =
    props.qualifier !== undefined ? { FunctionName: props.functionName, Resource: target } : { FunctionName: props.functionName };
  const base = common(
    w,
    props,
    props.qualifier !== undefined ? `${props.functionName}-${props.qualifier}-error-rate` : `${props.functionName}-error-rate`,
    "",
  );
  const { period, ...rest } = base;
  const metric = (metricName: string): CloudwatchMetricAlarmMetricQuery["metric"] => ({
    namespace: "AWS/Lambda",
    metricName,
    dimensions,
    period,
    stat: "Sum",
  });
  return {
    ...rest,
    alarmDescription:
      props.description ?? `Lambda ${target}: more than ${threshold}% of invocations failed over ${minutes(period)}.`,
    comparisonOperator: "GreaterThanThreshold",
    threshold,
    metricQuery: [
      { id: "errors", metric: metric("Errors"), returnData: false },
      { id: "invocations", metric: metric("Invocations"), returnData: false },
      { id: "errorRate", expression: "100 * errors / invocations", label: "Error rate (%)", returnData: true },
    ],
  };
}

/** Alarm on a Lambda function's error rate, Errors / Invocations × 100, in percent. */
export function lambdaErrorRateAlarm(scope: Construct, id: string, props: LambdaErrorRateAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, lambdaErrorRateAlarmConfig(scope, id, props));
}

function apiDimensions(w: string, props: ApiGatewayAlarmProps): Record<string, string> {
  requireName(w, "apiName", props.apiName);
  requireName(w, "stage", props.stage);
  return { ApiName: props.apiName, Stage: props.stage };
}

function apiErrorRateConfig(
  scope: Construct | string,
  id: string,
  props: ApiGatewayErrorRateAlarmProps,
  metricName: "5XXError" | "4XXError",
  defaultPercent: number,
): Config {
  const w = where(scope, id);
  const dimensions = apiDimensions(w, props);
  const percent = props.thresholdPercent ?? defaultPercent;
  checkPercent(w, percent);
  const short = metricName === "5XXError" ? "5xx" : "4xx";
  const base = common(w, props, `${props.apiName}-${props.stage}-${short}-rate`, "");
  return {
    ...base,
    alarmDescription:
      props.description ??
      `API ${props.apiName} stage ${props.stage}: more than ${percent}% of requests returned ${short.toUpperCase()} over ${minutes(base.period)}.`,
    namespace: "AWS/ApiGateway",
    metricName,
    dimensions,
    // The metric is 1 for a failed request and 0 otherwise: its Average is the failure ratio.
    statistic: "Average",
    comparisonOperator: "GreaterThanThreshold",
    threshold: percent / 100,
  };
}

/** Config of `apiGateway5xxAlarm`. */
export function apiGateway5xxAlarmConfig(scope: Construct | string, id: string, props: ApiGatewayErrorRateAlarmProps): Config {
  return apiErrorRateConfig(scope, id, props, "5XXError", DEFAULT_API_5XX_PERCENT);
}

/** Config of `apiGateway4xxAlarm`. */
export function apiGateway4xxAlarmConfig(scope: Construct | string, id: string, props: ApiGatewayErrorRateAlarmProps): Config {
  return apiErrorRateConfig(scope, id, props, "4XXError", DEFAULT_API_4XX_PERCENT);
}

/** Alarm when the share of 5XX responses of one API stage exceeds `thresholdPercent`. */
export function apiGateway5xxAlarm(scope: Construct, id: string, props: ApiGatewayErrorRateAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, apiGateway5xxAlarmConfig(scope, id, props));
}

/** Alarm when the share of 4XX responses of one API stage exceeds `thresholdPercent`. */
export function apiGateway4xxAlarm(scope: Construct, id: string, props: ApiGatewayErrorRateAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, apiGateway4xxAlarmConfig(scope, id, props));
}

/** Config of `apiGatewayLatencyP99Alarm`. */
export function apiGatewayLatencyP99AlarmConfig(scope: Construct | string, id: string, props: ApiGatewayLatencyAlarmProps): Config {
  const w = where(scope, id);
  const dimensions = apiDimensions(w, props);
  const thresholdMs = props.thresholdMs ?? DEFAULT_API_LATENCY_P99_MS;
  if (!(thresholdMs > 0) || thresholdMs > 29000) {
    throw new PropError(w, "thresholdMs", thresholdMs, "use milliseconds above 0 and at most 29000 (API Gateway's integration timeout).");
  }
  const base = common(w, props, `${props.apiName}-${props.stage}-latency-p99`, "");
  return {
    ...base,
    alarmDescription:
      props.description ??
      `API ${props.apiName} stage ${props.stage}: p99 latency above ${thresholdMs} ms over ${minutes(base.period)}.`,
    namespace: "AWS/ApiGateway",
    metricName: "Latency",
    dimensions,
    extendedStatistic: "p99",
    unit: "Milliseconds",
    comparisonOperator: "GreaterThanThreshold",
    threshold: thresholdMs,
  };
}

/** Alarm on the p99 of one API stage's `Latency`. */
export function apiGatewayLatencyP99Alarm(scope: Construct, id: string, props: ApiGatewayLatencyAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, apiGatewayLatencyP99AlarmConfig(scope, id, props));
}

/** Config of `dynamoThrottleAlarm`. */
export function dynamoThrottleAlarmConfig(scope: Construct | string, id: string, props: DynamoThrottleAlarmProps): Config {
  const w = where(scope, id);
  requireName(w, "tableName", props.tableName);
  const events = props.events ?? "all";
  if (events !== "read" && events !== "write" && events !== "all") {
    throw new PropError(w, "events", events, `use "read", "write" or "all".`);
  }
  const threshold = props.threshold ?? 1;
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new PropError(w, "threshold", threshold, "use a whole number of throttled requests, at least 1.");
  }
  const suffix = events === "all" ? "throttles" : `${events}-throttles`;
  const base = common(w, props, `${props.tableName}-${suffix}`, "");
  const dimensions = { TableName: props.tableName };
  const alarmDescription =
    props.description ??
    `DynamoDB table ${props.tableName}: ${threshold} or more ${events === "all" ? "" : `${events} `}requests throttled over ${minutes(base.period)}.`;
  const shared = { ...base, alarmDescription, comparisonOperator: "GreaterThanOrEqualToThreshold", threshold };
  if (events !== "all") {
    return {
      ...shared,
      namespace: "AWS/DynamoDB",
      metricName: events === "read" ? "ReadThrottleEvents" : "WriteThrottleEvents",
      dimensions,
      statistic: "Sum",
    };
  }
  const { period, ...rest } = shared;
  const metric = (metricName: string): CloudwatchMetricAlarmMetricQuery["metric"] => ({
    namespace: "AWS/DynamoDB",
    metricName,
    dimensions,
    period,
    stat: "Sum",
  });
  return {
    ...rest,
    metricQuery: [
      { id: "reads", metric: metric("ReadThrottleEvents"), returnData: false },
      { id: "writes", metric: metric("WriteThrottleEvents"), returnData: false },
      { id: "throttles", expression: "FILL(reads, 0) + FILL(writes, 0)", label: "Throttled requests", returnData: true },
    ],
  };
}

/** Alarm when a table's read, write or all requests are throttled (`TableName` dimension). */
export function dynamoThrottleAlarm(scope: Construct, id: string, props: DynamoThrottleAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, dynamoThrottleAlarmConfig(scope, id, props));
}
