/**
 * student-records (student-records-backup-api.md): the `student` API over the
 * `studentData` table, with a backup to S3 reported by SES and a restore from it.
 *
 * | route                          | auth    | integration (proxy)            | body model     |
 * |--------------------------------|---------|--------------------------------|----------------|
 * | GET /students                  | API key | getStudentData                 | -              |
 * | GET /students/{studentid}      | API key | getStudentData                 | -              |
 * | POST /students                 | API key | insertStudentData              | StudentCreate  |
 * | PUT /students/{studentid}      | API key | insertStudentData              | StudentUpdate  |
 * | DELETE /students/{studentid}   | API key | insertStudentData              | -              |
 * | POST /backup                   | API key | BackupDynamoDBAndSendEmail     | - (no body; the handler checks it) |
 * | GET /backups                   | API key | BackupDynamoDBAndSendEmail     | -              |
 * | GET /backups/{backupId}        | API key | BackupDynamoDBAndSendEmail     | -              |
 * | POST /restore                  | API key | restoreStudentData             | RestoreRequest |
 * | GET /restores                  | API key | restoreStudentData             | -              |
 * | GET /restores/{restoreId}      | API key | restoreStudentData             | -              |
 *
 * Backups and restores are jobs, because a table can take longer to copy than API Gateway's
 * 29-second integration limit: POST /backup (POST /restore) records a job and invokes
 * BackupDynamoDBAndSendEmailWorker (restoreStudentDataWorker) asynchronously
 * (`InvocationType: Event`), answering 202 with the job's links; the worker (900 s) does the
 * work, records the outcome and emails it, success or failure. Neither is retried (a second
 * backup run would only collide with its own key; a restore is rerun by asking again); an
 * event that fails anyway (crash, timeout, too old) goes to the BackupJobFailures
 * (RestoreJobFailures) queue. POST /restore checks what it can at once (the body, that the
 * backup and its manifest exist: 4xx, no job); the worker verifies the backup's count, bytes
 * and SHA-256 against the manifest before it writes anything.
 *
 * Job state lives in the `backupJobs` and `restoreJobs` tables, not in the backup bucket: a job
 * must be able to say "failed" when the bucket is the thing that failed (missing, denied), it
 * is updated with conditions (a duplicate event cannot start a job twice), listing recent
 * jobs is one Query on the `byKind` index (kind, createdAt), and TTL (`expiresAt`, 90 days)
 * keeps the tables small at no cost. The figures of a finished backup are read back from its
 * manifest. Restores have their own table rather than a `kind` in backupJobs, so that each
 * worker's role can write only its own kind of job (see below).
 *
 * Stage `prod`; key `StudentApiKey` in usage plan `StudentUsagePlan` (throttle and quota
 * from env.services.studentRecords); CORS for env.webOrigins.
 * Grants: read on the table for getStudentData and the backup worker; read/write for
 * insertStudentData; BatchWriteItem and PutItem only for the restore worker; the backup
 * bucket only under `backups/` (put, read and delete for the backup worker, which removes a
 * partial object it wrote on failure; read and list for the backup API, which reads
 * manifests, and for the restore API and worker); read/write on backupJobs for the backup
 * API and worker; on restoreJobs GetItem, PutItem, UpdateItem and Query on byKind for the
 * restore API, GetItem and UpdateItem for the restore worker; `lambda:InvokeFunction` on
 * exactly its worker's ARN for each API; SES send from the sender address only for the
 * workers; `sqs:SendMessage` on its own failure queue only for each worker.
 */
import type { Construct } from "constructs";
import { BACKUP_PREFIX } from "../../functions/backup-students/schema";
import { StudentCreateSchema, StudentUpdateSchema } from "../../functions/insert-student-data/schema";
import { RestoreRequestSchema } from "../../functions/restore-students/schema";
import { Bucket } from "../bucket";
import type { Environment } from "../config/environments";
import { ServiceStack, type ServiceStackProps } from "../core/service-stack";
import { Email } from "../email";
import { NodejsFunction } from "../nodejs-function";
import { lambdaProxy, RestApi } from "../rest-api";
import { Table } from "../table";
import { Queue } from "../queue";
import { platformRefs } from "./platform";

export const STUDENT_RECORDS = "student-records";

/** The backup worker's timeout (Lambda's maximum) and how long its event may wait to start, in seconds. */
const BACKUP_WORKER_TIMEOUT = 900;
const BACKUP_EVENT_MAX_AGE = 900;
/** The same for the restore worker. */
const RESTORE_WORKER_TIMEOUT = 900;
const RESTORE_EVENT_MAX_AGE = 900;

/**
 * A jobs table as functions/lib/jobs.ts reads it: one item per job keyed by its id, listed
 * newest first through `byKind` (kind, createdAt), removed by TTL on `expiresAt`.
 */
function jobsTable(scope: Construct, id: string, idAttribute: string): Table {
  return new Table(scope, id, {
    partitionKey: { name: idAttribute, type: "S" },
    globalSecondaryIndexes: [{ indexName: "byKind", partitionKey: { name: "kind", type: "S" }, sortKey: { name: "createdAt", type: "S" } }],
    timeToLiveAttribute: "expiresAt",
  });
}

export class StudentRecordsStack extends ServiceStack {
  readonly table: Table;
  readonly backups: Bucket;
  readonly email: Email;
  readonly getStudentData: NodejsFunction;
  readonly insertStudentData: NodejsFunction;
  readonly backupJobs: Table;
  readonly backupFailures: Queue;
  readonly backup: NodejsFunction;
  readonly backupWorker: NodejsFunction;
  readonly restoreJobs: Table;
  readonly restoreFailures: Queue;
  readonly restoreWorker: NodejsFunction;
  readonly restore: NodejsFunction;
  readonly api: RestApi;

  constructor(scope: Construct, env: Environment, props: ServiceStackProps = {}) {
    super(scope, `${STUDENT_RECORDS}-${env.name}`, env, props);
    const origins = env.webOrigins.join(",");

    this.table = new Table(this, "studentData", { partitionKey: { name: "studentid", type: "S" } });
    this.backups = new Bucket(this, "Backups", {
      noncurrentVersionExpirationDays: 30,
      serverAccessLogs: { bucket: platformRefs(env).accessLogsBucket, prefix: `${this.node.id}/backups/` },
    });
    this.email = new Email(this, "Email", { sender: env.senderEmail, recipients: [env.adminEmail] });

    this.getStudentData = new NodejsFunction(this, "getStudentData", {
      entry: "functions/get-student-data/index.ts",
      description: "GET /students and GET /students/{studentid}",
      environment: { TABLE_NAME: this.table.tableName, ALLOWED_ORIGINS: origins },
    });
    this.table.grantReadData(this.getStudentData);

    this.insertStudentData = new NodejsFunction(this, "insertStudentData", {
      entry: "functions/insert-student-data/index.ts",
      description: "POST /students, PUT and DELETE /students/{studentid}",
      environment: { TABLE_NAME: this.table.tableName, ALLOWED_ORIGINS: origins },
    });
    this.table.grantReadWriteData(this.insertStudentData);

    this.backupJobs = jobsTable(this, "backupJobs", "backupId");
    this.backupFailures = new Queue(this, "BackupJobFailures");

    this.backupWorker = new NodejsFunction(this, "BackupDynamoDBAndSendEmailWorker", {
      entry: "functions/backup-students-worker/index.ts",
      description: "Backup job: table to S3 (backups/), outcome to the jobs table, report by SES",
      memorySize: 512,
      timeout: BACKUP_WORKER_TIMEOUT,
      environment: {
        TABLE_NAME: this.table.tableName,
        BUCKET_NAME: this.backups.bucketName,
        JOBS_TABLE: this.backupJobs.tableName,
        SENDER_EMAIL: env.senderEmail,
        ADMIN_EMAIL: env.adminEmail,
      },
      asyncInvoke: { maximumRetryAttempts: 0, maximumEventAgeSeconds: BACKUP_EVENT_MAX_AGE, onFailure: this.backupFailures },
    });
    this.table.grantReadData(this.backupWorker);
    this.backups.grantPut(this.backupWorker, BACKUP_PREFIX);
    this.backups.grantRead(this.backupWorker, BACKUP_PREFIX);
    this.backups.grantDelete(this.backupWorker, BACKUP_PREFIX);
    this.backupJobs.grantReadWriteData(this.backupWorker);
    this.email.grantSend(this.backupWorker);

    this.backup = new NodejsFunction(this, "BackupDynamoDBAndSendEmail", {
      entry: "functions/backup-students/index.ts",
      description: "POST /backup starts a backup job; GET /backups and /backups/{backupId} report jobs",
      timeout: 20,
      environment: {
        TABLE_NAME: this.table.tableName,
        BUCKET_NAME: this.backups.bucketName,
        JOBS_TABLE: this.backupJobs.tableName,
        WORKER_FUNCTION: this.backupWorker.functionName,
        WORKER_TIMEOUT_SECONDS: String(BACKUP_WORKER_TIMEOUT),
        WORKER_MAX_EVENT_AGE_SECONDS: String(BACKUP_EVENT_MAX_AGE),
        ALLOWED_ORIGINS: origins,
      },
    });
    this.backupJobs.grantReadWriteData(this.backup);
    this.backups.grantRead(this.backup, BACKUP_PREFIX);
    // Without ListBucket S3 answers a missing manifest with 403 instead of NoSuchKey.
    this.backups.grantList(this.backup, BACKUP_PREFIX);
    this.backupWorker.grantInvoke(this.backup);

    // Restore jobs get their own table rather than a `kind` in backupJobs: IAM scopes
    // DynamoDB by table, so each worker's role can touch only its own kind of job (sharing
    // would need dynamodb:LeadingKeys conditions on key prefixes), and backupJobs' key is
    // `backupId`, which a restore job needs for the backup it came from.
    this.restoreJobs = jobsTable(this, "restoreJobs", "restoreId");
    this.restoreFailures = new Queue(this, "RestoreJobFailures");

    this.restoreWorker = new NodejsFunction(this, "restoreStudentDataWorker", {
      entry: "functions/restore-students-worker/index.ts",
      description: "Restore job: backup verified against its manifest, then written to the table; outcome to the jobs table, report by SES",
      memorySize: 512,
      timeout: RESTORE_WORKER_TIMEOUT,
      environment: { JOBS_TABLE: this.restoreJobs.tableName, SENDER_EMAIL: env.senderEmail, ADMIN_EMAIL: env.adminEmail },
      asyncInvoke: { maximumRetryAttempts: 0, maximumEventAgeSeconds: RESTORE_EVENT_MAX_AGE, onFailure: this.restoreFailures },
    });
    this.restoreWorker.addToRolePolicy({ actions: ["dynamodb:BatchWriteItem", "dynamodb:PutItem"], resources: [this.table.arn] });
    this.backups.grantRead(this.restoreWorker, BACKUP_PREFIX);
    // Without ListBucket S3 answers a backup removed meanwhile with 403 instead of NoSuchKey.
    this.backups.grantList(this.restoreWorker, BACKUP_PREFIX);
    this.restoreWorker.addToRolePolicy({ actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"], resources: [this.restoreJobs.arn] });
    this.email.grantSend(this.restoreWorker);

    this.restore = new NodejsFunction(this, "restoreStudentData", {
      entry: "functions/restore-students/index.ts",
      description: "POST /restore starts a restore job; GET /restores and /restores/{restoreId} report jobs",
      timeout: 20,
      environment: {
        TABLE_NAME: this.table.tableName,
        BUCKET_NAME: this.backups.bucketName,
        JOBS_TABLE: this.restoreJobs.tableName,
        WORKER_FUNCTION: this.restoreWorker.functionName,
        WORKER_TIMEOUT_SECONDS: String(RESTORE_WORKER_TIMEOUT),
        WORKER_MAX_EVENT_AGE_SECONDS: String(RESTORE_EVENT_MAX_AGE),
        ALLOWED_ORIGINS: origins,
      },
    });
    // HeadObject of the backup and GetObject of its manifest; ListBucket so a missing one is a 404, not a 403.
    this.backups.grantRead(this.restore, BACKUP_PREFIX);
    this.backups.grantList(this.restore, BACKUP_PREFIX);
    this.restore.addToRolePolicy({ actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [this.restoreJobs.arn] });
    this.restore.addToRolePolicy({ actions: ["dynamodb:Query"], resources: [`${this.restoreJobs.arn}/index/byKind`] });
    this.restoreWorker.grantInvoke(this.restore);

    const api = new RestApi(this, "student", {
      description: "Student records: CRUD, backup to S3 and restore",
      cors: { allowOrigins: env.webOrigins },
      stages: { prod: { loggingLevel: "ERROR", tracing: true } },
    });
    this.api = api;
    api.addModel("StudentCreate", StudentCreateSchema);
    api.addModel("StudentUpdate", StudentUpdateSchema);
    api.addModel("RestoreRequest", RestoreRequestSchema);

    const read = lambdaProxy(this.getStudentData);
    const write = lambdaProxy(this.insertStudentData);
    api.addRoute("GET /students", { integration: read, apiKey: true });
    api.addRoute("GET /students/{studentid}", { integration: read, apiKey: true });
    api.addRoute("POST /students", { integration: write, apiKey: true, requestModel: "StudentCreate" });
    api.addRoute("PUT /students/{studentid}", { integration: write, apiKey: true, requestModel: "StudentUpdate" });
    api.addRoute("DELETE /students/{studentid}", { integration: write, apiKey: true });
    const backups = lambdaProxy(this.backup);
    api.addRoute("POST /backup", { integration: backups, apiKey: true });
    api.addRoute("GET /backups", { integration: backups, apiKey: true });
    api.addRoute("GET /backups/{backupId}", { integration: backups, apiKey: true });
    const restores = lambdaProxy(this.restore);
    api.addRoute("POST /restore", { integration: restores, apiKey: true, requestModel: "RestoreRequest" });
    api.addRoute("GET /restores", { integration: restores, apiKey: true });
    api.addRoute("GET /restores/{restoreId}", { integration: restores, apiKey: true });

    const config = env.services.studentRecords;
    api.addUsagePlan("StudentUsagePlan", {
      stages: ["prod"],
      throttle: config.usagePlanThrottle,
      quota: config.usagePlanQuota,
      keys: [api.addApiKey("StudentApiKey", { description: "Key of the student web page" })],
    });

  }
}
