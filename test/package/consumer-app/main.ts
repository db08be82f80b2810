import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { NodejsFunction } from "cdktf-rest-platform/nodejs-function";
import { RestApi, lambdaProxy } from "cdktf-rest-platform/rest-api";
import { Table } from "cdktf-rest-platform/table";

class HelloStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const table = new Table(this, "Greetings", { tableName: "greetings", partitionKey: { name: "id", type: "S" } });
    const fn = new NodejsFunction(this, "Hello", { entry: "handler.mjs", environment: { TABLE_NAME: "greetings" }, reservedConcurrency: 5 });
    table.grantReadWriteData(fn);
    const api = new RestApi(this, "HelloApi", { stages: { v1: { tracing: true, loggingLevel: "ERROR", throttle: { rate: 50, burst: 20 } } } });
    api.addRoute("GET /hello/{name}", { integration: lambdaProxy(fn), apiKey: true });
    api.addUsagePlan("HelloPlan", { stages: ["v1"], throttle: { rate: 10, burst: 5 }, quota: { limit: 1000, period: "DAY" }, keys: ["HelloKey"] });
  }
}

const app = new App();
new HelloStack(app, "hello-dev");
app.synth();
