import { expect } from "chai";
import {
  apiGateway4xxAlarm,
  apiGateway5xxAlarm,
  apiGateway5xxAlarmConfig,
  apiGatewayLatencyP99Alarm,
  apiGatewayLatencyP99AlarmConfig,
  dynamoThrottleAlarm,
  dynamoThrottleAlarmConfig,
  lambdaErrorRateAlarm,
  lambdaErrorRateAlarmConfig,
} from "../../modules/monitoring";
import { resources, serviceStack, synth } from "../table/support";

const TOPIC = "arn:aws:sns:us-east-1:111122223333:dev-alarms";
const NOTIFY = { alarm_actions: [TOPIC], ok_actions: [TOPIC], treat_missing_data: "notBreaching" };

function alarms(build: (stack: ReturnType<typeof serviceStack>) => void) {
  const stack = serviceStack("todos");
  build(stack);
  return resources(synth(stack), "aws_cloudwatch_metric_alarm");
}

describe("monitoring", () => {
  describe("lambdaErrorRateAlarm", () => {
    it("alarms on 100 * Errors / Invocations above 5% by default, notifying the topic on ALARM and OK", () => {
      const all = alarms((s) => lambdaErrorRateAlarm(s, "TodosErrors", { functionName: "dev-todos", topicArn: TOPIC }));
      expect(Object.values(all)).to.have.length(1);
      const alarm = all[Object.keys(all)[0]!]!;
      expect(alarm).to.deep.include({
        ...NOTIFY,
        alarm_name: "dev-todos-error-rate",
        comparison_operator: "GreaterThanThreshold",
        threshold: 5,
        evaluation_periods: 1,
        datapoints_to_alarm: 1,
      });
      expect(alarm).to.not.have.any.keys("metric_name", "namespace", "statistic", "period");
      const metric = (name: string) => ({
        namespace: "AWS/Lambda",
        metric_name: name,
        dimensions: { FunctionName: "dev-todos" },
        period: 300,
        stat: "Sum",
      });
      expect(alarm.metric_query).to.deep.equal([
        { id: "errors", metric: metric("Errors"), return_data: false },
        { id: "invocations", metric: metric("Invocations"), return_data: false },
        { id: "errorRate", expression: "100 * errors / invocations", label: "Error rate (%)", return_data: true },
      ]);
      expect(alarm.alarm_description).to.equal("Lambda dev-todos: more than 5% of invocations failed over 5 minutes.");
    });

    it("watches one alias through the Resource dimension and honours the threshold and periods", () => {
      const c = lambdaErrorRateAlarmConfig("s", "a", {
        functionName: "dev-todos",
        qualifier: "prod",
        thresholdPercent: 2,
        topicArn: TOPIC,
        periodSeconds: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      });
      expect(c).to.deep.include({ alarmName: "dev-todos-prod-error-rate", threshold: 2, evaluationPeriods: 5, datapointsToAlarm: 3 });
      const query = c.metricQuery as { metric?: { dimensions?: unknown; period?: number } }[];
      expect(query[0]!.metric).to.deep.include({ dimensions: { FunctionName: "dev-todos", Resource: "dev-todos:prod" }, period: 60 });
    });
  });

  describe("API Gateway alarms", () => {
    const api = { apiName: "dev-todo-api", stage: "prod", topicArn: TOPIC };

    it("5XX: Average of 5XXError (the failure ratio) above 1% by default, by ApiName and Stage", () => {
      const all = Object.values(alarms((s) => apiGateway5xxAlarm(s, "Api5xx", api)));
      expect(all[0]).to.deep.include({
        ...NOTIFY,
        alarm_name: "dev-todo-api-prod-5xx-rate",
        namespace: "AWS/ApiGateway",
        metric_name: "5XXError",
        dimensions: { ApiName: "dev-todo-api", Stage: "prod" },
        statistic: "Average",
        period: 300,
        comparison_operator: "GreaterThanThreshold",
        threshold: 0.01,
      });
      expect(apiGateway5xxAlarmConfig("s", "a", { ...api, thresholdPercent: 5 }).threshold).to.equal(0.05);
    });

    it("4XX: Average of 4XXError above 10% by default", () => {
      const all = Object.values(alarms((s) => apiGateway4xxAlarm(s, "Api4xx", api)));
      expect(all[0]).to.deep.include({
        ...NOTIFY,
        alarm_name: "dev-todo-api-prod-4xx-rate",
        metric_name: "4XXError",
        dimensions: { ApiName: "dev-todo-api", Stage: "prod" },
        statistic: "Average",
        threshold: 0.1,
      });
    });

    it("latency: the p99 extended statistic of Latency above 3000 ms by default", () => {
      const all = Object.values(alarms((s) => apiGatewayLatencyP99Alarm(s, "ApiP99", api)));
      expect(all[0]).to.deep.include({
        ...NOTIFY,
        alarm_name: "dev-todo-api-prod-latency-p99",
        namespace: "AWS/ApiGateway",
        metric_name: "Latency",
        dimensions: { ApiName: "dev-todo-api", Stage: "prod" },
        extended_statistic: "p99",
        unit: "Milliseconds",
        threshold: 3000,
      });
      expect(all[0]).to.not.have.property("statistic");
      expect(apiGatewayLatencyP99AlarmConfig("s", "a", { ...api, thresholdMs: 800 }).threshold).to.equal(800);
    });
  });

  describe("dynamoThrottleAlarm", () => {
    it("sums read and write throttle events by metric math by default", () => {
      const all = Object.values(alarms((s) => dynamoThrottleAlarm(s, "Throttles", { tableName: "dev-TodoItems", topicArn: TOPIC })));
      const metric = (name: string) => ({
        namespace: "AWS/DynamoDB",
        metric_name: name,
        dimensions: { TableName: "dev-TodoItems" },
        period: 300,
        stat: "Sum",
      });
      expect(all[0]).to.deep.include({
        ...NOTIFY,
        alarm_name: "dev-TodoItems-throttles",
        comparison_operator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        metric_query: [
          { id: "reads", metric: metric("ReadThrottleEvents"), return_data: false },
          { id: "writes", metric: metric("WriteThrottleEvents"), return_data: false },
          { id: "throttles", expression: "FILL(reads, 0) + FILL(writes, 0)", label: "Throttled requests", return_data: true },
        ],
      });
    });

    it("watches one metric directly for read or write events", () => {
      const read = dynamoThrottleAlarmConfig("s", "a", { tableName: "t1", topicArn: TOPIC, events: "read", threshold: 10 });
      expect(read).to.deep.include({
        alarmName: "t1-read-throttles",
        namespace: "AWS/DynamoDB",
        metricName: "ReadThrottleEvents",
        dimensions: { TableName: "t1" },
        statistic: "Sum",
        period: 300,
        threshold: 10,
      });
      expect(read).to.not.have.property("metricQuery");
      expect(dynamoThrottleAlarmConfig("s", "a", { tableName: "t1", topicArn: TOPIC, events: "write" }).metricName).to.equal(
        "WriteThrottleEvents",
      );
    });
  });

  it("uses the given alarm name and description", () => {
    const c = dynamoThrottleAlarmConfig("s", "a", { tableName: "t", topicArn: TOPIC, alarmName: "custom", description: "why" });
    expect(c).to.deep.include({ alarmName: "custom", alarmDescription: "why" });
  });

  describe("prop validation", () => {
    const cases: [string, () => unknown, string][] = [
      ["a missing function name", () => lambdaErrorRateAlarmConfig("s", "a", { functionName: " ", topicArn: TOPIC }), 's/a: "functionName" is " ": give the functionName to watch.'],
      ["a zero percentage", () => lambdaErrorRateAlarmConfig("s", "a", { functionName: "f", topicArn: TOPIC, thresholdPercent: 0 }), 's/a: "thresholdPercent" is 0: use a percentage above 0 and at most 100.'],
      ["a percentage above 100", () => apiGateway5xxAlarmConfig("s", "a", { apiName: "x", stage: "p", topicArn: TOPIC, thresholdPercent: 150 }), 's/a: "thresholdPercent" is 150: use a percentage above 0 and at most 100.'],
      ["a topic that is not an SNS ARN", () => lambdaErrorRateAlarmConfig("s", "a", { functionName: "f", topicArn: "dev-alarms" }), 's/a: "topicArn" is "dev-alarms": give the ARN of the SNS topic to notify (arn:aws:sns:<region>:<account>:<name>).'],
      ["a period that is not whole minutes", () => lambdaErrorRateAlarmConfig("s", "a", { functionName: "f", topicArn: TOPIC, periodSeconds: 90 }), 's/a: "periodSeconds" is 90: use a multiple of 60 seconds: these metrics are published every minute.'],
      ["zero evaluation periods", () => lambdaErrorRateAlarmConfig("s", "a", { functionName: "f", topicArn: TOPIC, evaluationPeriods: 0 }), 's/a: "evaluationPeriods" is 0: use a whole number, at least 1.'],
      ["more datapoints than periods", () => lambdaErrorRateAlarmConfig("s", "a", { functionName: "f", topicArn: TOPIC, evaluationPeriods: 2, datapointsToAlarm: 3 }), 's/a: "datapointsToAlarm" is 3: use a whole number from 1 to evaluationPeriods (2).'],
      ["an evaluated range beyond a day", () => lambdaErrorRateAlarmConfig("s", "a", { functionName: "f", topicArn: TOPIC, periodSeconds: 3600, evaluationPeriods: 25 }), 's/a: "evaluationPeriods" is 25: periodSeconds × evaluationPeriods is 90000: keep the evaluated range within one day (86400 s).'],
      ["a missing stage", () => apiGateway5xxAlarmConfig("s", "a", { apiName: "x", stage: "", topicArn: TOPIC }), 's/a: "stage" is "": give the stage to watch.'],
      ["a latency beyond the integration timeout", () => apiGatewayLatencyP99AlarmConfig("s", "a", { apiName: "x", stage: "p", topicArn: TOPIC, thresholdMs: 30000 }), `s/a: "thresholdMs" is 30000: use milliseconds above 0 and at most 29000 (API Gateway's integration timeout).`],
      ["a fractional throttle count", () => dynamoThrottleAlarmConfig("s", "a", { tableName: "t", topicArn: TOPIC, threshold: 0.5 }), 's/a: "threshold" is 0.5: use a whole number of throttled requests, at least 1.'],
      ["an unknown event kind", () => dynamoThrottleAlarmConfig("s", "a", { tableName: "t", topicArn: TOPIC, events: "both" as "all" }), 's/a: "events" is "both": use "read", "write" or "all".'],
    ];
    for (const [name, build, message] of cases) {
      it(`rejects ${name}`, () => {
        expect(build).to.throw(message);
      });
    }

    it("names the construct path in errors thrown by the resource helpers", () => {
      expect(() => alarms((s) => lambdaErrorRateAlarm(s, "Bad", { functionName: "f", topicArn: "x" }))).to.throw('todos-dev/Bad: "topicArn" is "x"');
    });
  });
});
