/**
 * todos (todo-crud-api.md): `todo-api` over the `TodoItems` table, one handler for every route.
 *
 * | route               | auth                              | integration (proxy) | body model |
 * |---------------------|-----------------------------------|---------------------|------------|
 * | GET /todos          | API key if todos.apiKeyRequired   | todo-api-handler    | -          |
 * | POST /todos         | API key if todos.apiKeyRequired   | todo-api-handler    | TodoCreate |
 * | GET /todos/{id}     | API key if todos.apiKeyRequired   | todo-api-handler    | -          |
 * | PUT /todos/{id}     | API key if todos.apiKeyRequired   | todo-api-handler    | TodoUpdate |
 * | DELETE /todos/{id}  | API key if todos.apiKeyRequired   | todo-api-handler    | -          |
 *
 * PUT is last-writer-wins as in the document; `If-Match: "<version>"` (or a `version` field)
 * makes it conditional (409 when stale), and `If-Match` makes a DELETE conditional the same
 * way. Responses carry the version as `ETag`.
 *
 * Stage `prod` throttled by env.services.todos.stageThrottle; with an API key, key
 * `TodoApiKey` in usage plan `TodoUsagePlan`. CORS for env.webOrigins. Alarms to the
 * platform's alarm topic: Lambda error rate > 5 %, API 5XX and 4XX rates, p99 latency,
 * DynamoDB throttled requests.
 *
 * The document's API is open when no key is configured (its choice, kept as the default);
 * set `<ENV>_TODOS_API_KEY_REQUIRED=true` to require a key.
 */
import type { Construct } from "constructs";
import { TodoCreateSchema, TodoUpdateSchema } from "../../functions/todos/schema";
import type { Environment } from "../config/environments";
import { ServiceStack, type ServiceStackProps } from "../core/service-stack";
import { suppress } from "../policy";
import {
  apiGateway4xxAlarm,
  apiGateway5xxAlarm,
  apiGatewayLatencyP99Alarm,
  dynamoThrottleAlarm,
  lambdaErrorRateAlarm,
} from "../monitoring";
import { NodejsFunction } from "../nodejs-function";
import { DEFAULT_CORS_HEADERS, lambdaProxy, RestApi } from "../rest-api";
import { Table } from "../table";
import { alarmTopicArn } from "./platform";

export const TODOS = "todos";

export class TodosStack extends ServiceStack {
  readonly table: Table;
  readonly fn: NodejsFunction;
  readonly api: RestApi;

  constructor(scope: Construct, env: Environment, props: ServiceStackProps = {}) {
    super(scope, `${TODOS}-${env.name}`, env, props);
    const config = env.services.todos;

    this.table = new Table(this, "TodoItems", { partitionKey: { name: "id", type: "S" } });
    this.fn = new NodejsFunction(this, "todo-api-handler", {
      entry: "functions/todos/index.ts",
      description: "todo-api: GET/POST /todos, GET/PUT/DELETE /todos/{id}",
      environment: { TABLE_NAME: this.table.tableName, ALLOWED_ORIGINS: env.webOrigins.join(",") },
    });
    this.table.grantReadWriteData(this.fn);

    const api = new RestApi(this, "todo-api", {
      description: "Todo CRUD API",
      // If-Match makes an update conditional; the page may read ETag (the todo's version).
      cors: { allowOrigins: env.webOrigins, allowHeaders: [...DEFAULT_CORS_HEADERS, "If-Match"], exposeHeaders: ["ETag"] },
      stages: { prod: { throttle: config.stageThrottle, loggingLevel: "ERROR", tracing: true } },
    });
    this.api = api;
    api.addModel("TodoCreate", TodoCreateSchema);
    api.addModel("TodoUpdate", TodoUpdateSchema);

    const integration = lambdaProxy(this.fn);
    const apiKey = config.apiKeyRequired;
    api.addRoute("GET /todos", { integration, apiKey });
    api.addRoute("POST /todos", { integration, apiKey, requestModel: "TodoCreate" });
    api.addRoute("GET /todos/{id}", { integration, apiKey });
    api.addRoute("PUT /todos/{id}", { integration, apiKey, requestModel: "TodoUpdate" });
    api.addRoute("DELETE /todos/{id}", { integration, apiKey });
    if (apiKey) {
      api.addUsagePlan("TodoUsagePlan", {
        stages: ["prod"],
        throttle: config.stageThrottle,
        keys: [api.addApiKey("TodoApiKey", { description: "Key of the todo web page" })],
      });
    } else {
      suppress(
        api,
        "APIG3",
        "The todo API is public by the document's design; the API key is opt-in (TODOS_API_KEY_REQUIRED) and the stage is throttled.",
      );
    }

    const topicArn = alarmTopicArn(this, env);
    const watched = { apiName: api.apiName, stage: "prod", topicArn };
    lambdaErrorRateAlarm(this, "LambdaErrorRate", { functionName: this.fn.functionName, thresholdPercent: 5, topicArn });
    apiGateway5xxAlarm(this, "Api5xx", watched);
    apiGateway4xxAlarm(this, "Api4xx", watched);
    apiGatewayLatencyP99Alarm(this, "ApiLatencyP99", watched);
    dynamoThrottleAlarm(this, "TableThrottles", { tableName: this.table.tableName, topicArn });

  }
}
