import { expect } from "chai";
import { router as getStudentDataRouter } from "../../functions/get-student-data/index";
import { router as insertStudentDataRouter } from "../../functions/insert-student-data/index";
import { StudentCreateSchema, StudentUpdateSchema } from "../../functions/insert-student-data/schema";
import { RESTORE_ROUTES } from "../../functions/restore-students/index";
import { RestoreRequestSchema } from "../../functions/restore-students/schema";
import { StudentRecordsStack } from "../../modules/services/student-records";
import { TABLE_READ_ACTIONS } from "../../modules/table";
import { build, Synth, testEnv } from "./support";

const ROUTES: Record<string, string> = {
  "GET /students": "dev-getStudentData",
  "GET /students/{studentid}": "dev-getStudentData",
  "POST /students": "dev-insertStudentData",
  "PUT /students/{studentid}": "dev-insertStudentData",
  "DELETE /students/{studentid}": "dev-insertStudentData",
  "POST /backup": "dev-BackupDynamoDBAndSendEmail",
  "GET /backups": "dev-BackupDynamoDBAndSendEmail",
  "GET /backups/{backupId}": "dev-BackupDynamoDBAndSendEmail",
  "POST /restore": "dev-restoreStudentData",
  "GET /restores": "dev-restoreStudentData",
  "GET /restores/{restoreId}": "dev-restoreStudentData",
};

describe("student-records service stack", () => {
  let dev: Synth;
  let stackId: string;

  before(() => {
    const stack = build(
      (app, env, props) => new StudentRecordsStack(app, env, props),
      testEnv("dev", { DEV_STUDENT_THROTTLE_RATE: "7", DEV_STUDENT_THROTTLE_BURST: "14", DEV_STUDENT_QUOTA_LIMIT: "500", DEV_STUDENT_QUOTA_PERIOD: "WEEK" }),
    );
    stackId = stack.node.id;
    dev = new Synth(stack);
  });

  const table = () => dev.ref("aws_dynamodb_table", "arn", (t) => t.name === "dev-studentData");
  const jobsTable = (attr = "arn") => dev.ref("aws_dynamodb_table", attr, (t) => t.name === "dev-backupJobs");
  const restoreJobsTable = (attr = "arn") => dev.ref("aws_dynamodb_table", attr, (t) => t.name === "dev-restoreJobs");
  const queueArn = (name: string) => dev.ref("aws_sqs_queue", "arn", (q) => q.name === name);
  const bucketArn = () => dev.ref("aws_s3_bucket", "arn");
  const tableRead = () => ({ actions: [...TABLE_READ_ACTIONS].sort(), resources: [table()] });

  it("is the stack student-records-<env> with the API student and the table studentData keyed by studentid", () => {
    expect(stackId).to.equal("student-records-dev");
    expect(dev.one("aws_api_gateway_rest_api").name).to.equal("dev-student");
    const t = dev.one("aws_dynamodb_table", (x) => x.name === "dev-studentData");
    expect(t.name).to.equal("dev-studentData");
    expect(t.hash_key).to.equal("studentid");
    expect(t.attribute).to.deep.equal([{ name: "studentid", type: "S" }]);
  });

  it("sends each function exactly the routes its handler's router serves (anything else is the router's 404 or 405)", () => {
    const routed = (fnName: string) => Object.keys(ROUTES).filter((k) => ROUTES[k] === fnName).sort();
    expect([...getStudentDataRouter.routeKeys].sort()).to.deep.equal(routed("dev-getStudentData"));
    expect([...insertStudentDataRouter.routeKeys].sort()).to.deep.equal(routed("dev-insertStudentData"));
    expect([...RESTORE_ROUTES].sort()).to.deep.equal(routed("dev-restoreStudentData"));
  });

  it("routes every method to its function through a Lambda proxy integration, API key required", () => {
    const methods = dev.routeKeys().filter((k) => !k.startsWith("OPTIONS "));
    expect(methods).to.deep.equal(Object.keys(ROUTES).sort());
    for (const [key, fnName] of Object.entries(ROUTES)) {
      const { method, integration } = dev.route(key);
      expect(method.api_key_required, key).to.equal(true);
      expect(method.authorization, key).to.equal("NONE");
      expect(integration.type, key).to.equal("AWS_PROXY");
      expect(integration.integration_http_method, key).to.equal("POST");
      expect(integration.uri, key).to.equal(`\${aws_lambda_function.${dev.fnId(fnName)}.invoke_arn}`);
    }
  });

  it("keeps the functions' names from the document", () => {
    const names = dev.find("aws_lambda_function").map((f) => f.function_name).sort();
    expect(names).to.deep.equal([
      "dev-BackupDynamoDBAndSendEmail",
      "dev-BackupDynamoDBAndSendEmailWorker",
      "dev-getStudentData",
      "dev-insertStudentData",
      "dev-restoreStudentData",
      "dev-restoreStudentDataWorker",
    ]);
  });

  it("lets API Gateway invoke each function only from its own route", () => {
    const exec = dev.ref("aws_api_gateway_rest_api", "execution_arn");
    const perms = dev
      .find("aws_lambda_permission")
      .map((p) => `${dev.stack.resolve(p.function_name)} ${p.source_arn}`)
      .sort();
    expect(perms).to.deep.equal(
      [
        `dev-BackupDynamoDBAndSendEmail ${exec}/*/POST/backup`,
        `dev-BackupDynamoDBAndSendEmail ${exec}/*/GET/backups`,
        `dev-BackupDynamoDBAndSendEmail ${exec}/*/GET/backups/*`,
        `dev-getStudentData ${exec}/*/GET/students`,
        `dev-getStudentData ${exec}/*/GET/students/*`,
        `dev-insertStudentData ${exec}/*/DELETE/students/*`,
        `dev-insertStudentData ${exec}/*/POST/students`,
        `dev-insertStudentData ${exec}/*/PUT/students/*`,
        `dev-restoreStudentData ${exec}/*/POST/restore`,
        `dev-restoreStudentData ${exec}/*/GET/restores`,
        `dev-restoreStudentData ${exec}/*/GET/restores/*`,
      ].sort(),
    );
  });

  it("validates request bodies with models built from the handlers' own schemas", () => {
    const model = (name: string) => JSON.parse(dev.one("aws_api_gateway_model", (m) => m.name === name).schema);
    expect(model("StudentCreate")).to.deep.equal(StudentCreateSchema);
    expect(model("StudentUpdate")).to.deep.equal(StudentUpdateSchema);
    expect(model("RestoreRequest")).to.deep.equal(RestoreRequestSchema);
    const bodyValidator = dev.ref("aws_api_gateway_request_validator", "id", (v) => v.validate_request_body === true);
    for (const [key, name] of [
      ["POST /students", "StudentCreate"],
      ["PUT /students/{studentid}", "StudentUpdate"],
      ["POST /restore", "RestoreRequest"],
    ] as const) {
      const { method } = dev.route(key);
      expect(method.request_models, key).to.deep.equal({ "application/json": dev.ref("aws_api_gateway_model", "name", (m) => m.name === name) });
      expect(method.request_validator_id, key).to.equal(bodyValidator);
    }
    expect(dev.route("POST /backup").method.request_models).to.equal(undefined);
  });

  it("serves the stage prod, covered by StudentUsagePlan with the configured throttle and quota and the key StudentApiKey", () => {
    expect(dev.find("aws_api_gateway_stage").map((s) => s.stage_name)).to.deep.equal(["prod"]);
    const plan = dev.one("aws_api_gateway_usage_plan");
    expect(plan.name).to.equal("dev-StudentUsagePlan");
    expect(plan.throttle_settings).to.deep.equal({ rate_limit: 7, burst_limit: 14 });
    expect(plan.quota_settings).to.deep.equal({ limit: 500, offset: 0, period: "WEEK" });
    expect(plan.api_stages).to.have.length(1);
    expect(plan.api_stages[0].stage).to.equal(dev.ref("aws_api_gateway_stage", "stage_name"));
    expect(dev.one("aws_api_gateway_api_key").name).to.equal("dev-StudentApiKey");
    expect(dev.one("aws_api_gateway_usage_plan_key").key_id).to.equal(dev.ref("aws_api_gateway_api_key", "id"));
  });

  it("allows the configured web origin in CORS preflights on every resource", () => {
    const preflights = dev.routeKeys().filter((k) => k.startsWith("OPTIONS "));
    expect(preflights).to.deep.equal(["OPTIONS /backup", "OPTIONS /backups", "OPTIONS /backups/{backupId}", "OPTIONS /restore", "OPTIONS /restores", "OPTIONS /restores/{restoreId}", "OPTIONS /students", "OPTIONS /students/{studentid}"]);
    for (const key of preflights) {
      const params = dev.route(key).integrationResponses[0].response_parameters;
      expect(params["method.response.header.Access-Control-Allow-Origin"], key).to.equal("'http://localhost:5173'");
    }
  });

  it("gives getStudentData read access to the table only", () => {
    expect(dev.grants("getStudentData")).to.deep.equal([tableRead()]);
  });

  it("gives insertStudentData read and write access to the table only", () => {
    const grants = dev.grants("insertStudentData");
    expect(grants).to.have.length(2);
    expect(grants[0]).to.deep.equal(tableRead());
    expect(grants[1]!.resources).to.deep.equal([table()]);
    expect(grants[1]!.actions).to.deep.equal(["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]);
  });

  it("lets the backup API read and write its jobs, read and list under backups/ only, and invoke exactly the worker", () => {
    const jobsRead = { actions: [...TABLE_READ_ACTIONS].sort(), resources: [jobsTable(), `${jobsTable()}/index/*`] };
    expect(dev.grants("BackupDynamoDBAndSendEmail")).to.deep.equal([
      jobsRead,
      { actions: ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [jobsTable()] },
      { actions: ["s3:GetObject"], resources: [`${bucketArn()}/backups/*`] },
      { actions: ["s3:ListBucket"], resources: [bucketArn()], condition: { StringLike: { "s3:prefix": ["backups/*"] } } },
      { actions: ["lambda:InvokeFunction"], resources: [dev.ref("aws_lambda_function", "arn", (f) => f.function_name === "dev-BackupDynamoDBAndSendEmailWorker")] },
    ]);
  });

  it("lets the worker read the table, write, read and delete under backups/ only, record jobs, send mail as the sender only and send to its failure queue", () => {
    expect(dev.grants("BackupDynamoDBAndSendEmailWorker")).to.deep.equal([
      { actions: ["sqs:SendMessage"], resources: [queueArn("dev-BackupJobFailures")] },
      tableRead(),
      { actions: ["s3:AbortMultipartUpload", "s3:PutObject"], resources: [`${bucketArn()}/backups/*`] },
      { actions: ["s3:GetObject"], resources: [`${bucketArn()}/backups/*`] },
      { actions: ["s3:DeleteObject"], resources: [`${bucketArn()}/backups/*`] },
      { actions: [...TABLE_READ_ACTIONS].sort(), resources: [jobsTable(), `${jobsTable()}/index/*`] },
      { actions: ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [jobsTable()] },
      {
        actions: ["ses:SendEmail", "ses:SendRawEmail"],
        resources: [dev.ref("aws_ses_email_identity", "arn", (i) => i.email === "no-reply@dev.example.com")],
        condition: { StringEquals: { "ses:FromAddress": ["no-reply@dev.example.com"] } },
      },
    ]);
  });

  it("runs backups and restores as asynchronous jobs: no retries, failed events to an encrypted queue each, jobs in tables with TTL and a by-kind index", () => {
    for (const [worker, queue, jobs, key] of [
      ["dev-BackupDynamoDBAndSendEmailWorker", "dev-BackupJobFailures", "dev-backupJobs", "backupId"],
      ["dev-restoreStudentDataWorker", "dev-RestoreJobFailures", "dev-restoreJobs", "restoreId"],
    ] as const) {
      const config = dev.one("aws_lambda_function_event_invoke_config", (c) => c.function_name === `\${aws_lambda_function.${dev.fnId(worker)}.function_name}`);
      expect(config).to.include({ maximum_retry_attempts: 0, maximum_event_age_in_seconds: 900 });
      expect(config.destination_config).to.deep.equal({ on_failure: { destination: queueArn(queue) } });
      expect(dev.one("aws_sqs_queue", (q) => q.name === queue)).to.include({ sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
      expect(dev.fn(worker)).to.include({ timeout: 900, memory_size: 512 });
      const table = dev.one("aws_dynamodb_table", (t) => t.name === jobs);
      expect(table.hash_key).to.equal(key);
      expect(table.ttl).to.deep.equal({ attribute_name: "expiresAt", enabled: true });
      expect(table.global_secondary_index[0]).to.include({ name: "byKind", hash_key: "kind", range_key: "createdAt" });
    }
    expect(dev.find("aws_lambda_function_event_invoke_config")).to.have.length(2);
  });

  it("lets the restore API read and list under backups/ only, create, read and update restore jobs, list them, and invoke exactly its worker", () => {
    expect(dev.grants("restoreStudentData")).to.deep.equal([
      { actions: ["s3:GetObject"], resources: [`${bucketArn()}/backups/*`] },
      { actions: ["s3:ListBucket"], resources: [bucketArn()], condition: { StringLike: { "s3:prefix": ["backups/*"] } } },
      { actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [restoreJobsTable()] },
      { actions: ["dynamodb:Query"], resources: [`${restoreJobsTable()}/index/byKind`] },
      { actions: ["lambda:InvokeFunction"], resources: [dev.ref("aws_lambda_function", "arn", (f) => f.function_name === "dev-restoreStudentDataWorker")] },
    ]);
  });

  it("lets the restore worker batch-write the table, read under backups/ only, read and update its jobs, send mail as the sender only and send to its failure queue", () => {
    expect(dev.grants("restoreStudentDataWorker")).to.deep.equal([
      { actions: ["sqs:SendMessage"], resources: [queueArn("dev-RestoreJobFailures")] },
      { actions: ["dynamodb:BatchWriteItem", "dynamodb:PutItem"], resources: [table()] },
      { actions: ["s3:GetObject"], resources: [`${bucketArn()}/backups/*`] },
      { actions: ["s3:ListBucket"], resources: [bucketArn()], condition: { StringLike: { "s3:prefix": ["backups/*"] } } },
      { actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"], resources: [restoreJobsTable()] },
      {
        actions: ["ses:SendEmail", "ses:SendRawEmail"],
        resources: [dev.ref("aws_ses_email_identity", "arn", (i) => i.email === "no-reply@dev.example.com")],
        condition: { StringEquals: { "ses:FromAddress": ["no-reply@dev.example.com"] } },
      },
    ]);
  });

  it("declares the sender and the admin recipient as SES identities", () => {
    const emails = dev.find("aws_ses_email_identity").map((i) => i.email).sort();
    expect(emails).to.deep.equal(["admin@dev.example.com", "no-reply@dev.example.com"]);
  });

  it("passes each function the environment variables its handler reads", () => {
    const tableName = dev.ref("aws_dynamodb_table", "name", (t) => t.name === "dev-studentData");
    const bucket = dev.ref("aws_s3_bucket", "bucket");
    const origins = "http://localhost:5173";
    expect(dev.fn("dev-getStudentData").environment.variables).to.deep.equal({ ALLOWED_ORIGINS: origins, TABLE_NAME: tableName });
    expect(dev.fn("dev-insertStudentData").environment.variables).to.deep.equal({ ALLOWED_ORIGINS: origins, TABLE_NAME: tableName });
    expect(dev.fn("dev-BackupDynamoDBAndSendEmail").environment.variables).to.deep.equal({
      ALLOWED_ORIGINS: origins,
      BUCKET_NAME: bucket,
      JOBS_TABLE: jobsTable("name"),
      TABLE_NAME: tableName,
      WORKER_FUNCTION: "dev-BackupDynamoDBAndSendEmailWorker",
      WORKER_MAX_EVENT_AGE_SECONDS: "900",
      WORKER_TIMEOUT_SECONDS: "900",
    });
    expect(dev.fn("dev-BackupDynamoDBAndSendEmailWorker").environment.variables).to.deep.equal({
      ADMIN_EMAIL: "admin@dev.example.com",
      BUCKET_NAME: bucket,
      JOBS_TABLE: jobsTable("name"),
      SENDER_EMAIL: "no-reply@dev.example.com",
      TABLE_NAME: tableName,
    });
    expect(dev.fn("dev-restoreStudentData").environment.variables).to.deep.equal({
      ALLOWED_ORIGINS: origins,
      BUCKET_NAME: bucket,
      JOBS_TABLE: restoreJobsTable("name"),
      TABLE_NAME: tableName,
      WORKER_FUNCTION: "dev-restoreStudentDataWorker",
      WORKER_MAX_EVENT_AGE_SECONDS: "900",
      WORKER_TIMEOUT_SECONDS: "900",
    });
    expect(dev.fn("dev-restoreStudentDataWorker").environment.variables).to.deep.equal({
      ADMIN_EMAIL: "admin@dev.example.com",
      JOBS_TABLE: restoreJobsTable("name"),
      SENDER_EMAIL: "no-reply@dev.example.com",
    });
  });

  it("logs S3 server access for the backups bucket to the platform's access-log bucket", () => {
    const logging = dev.one("aws_s3_bucket_logging");
    expect(logging.bucket).to.equal(dev.ref("aws_s3_bucket", "bucket"));
    expect(logging.target_bucket).to.equal("dev-cdktf-rest-platform-artifacts-access-logs");
    expect(logging.target_prefix).to.equal("student-records-dev/backups/");
  });

  it("passes the policy rules with no error finding and no suppression", () => {
    expect(dev.policyErrors()).to.deep.equal([]);
    expect(dev.suppressions()).to.deep.equal([]);
  });

  it("keeps backups in a private bucket", () => {
    const block = dev.one("aws_s3_bucket_public_access_block");
    expect(block).to.include({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
  });
});
