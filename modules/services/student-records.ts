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
 * | POST /restore                  | API key | restoreStudentData             | RestoreRequest |
 *
 * Stage `prod`; key `StudentApiKey` in usage plan `StudentUsagePlan` (throttle and quota
 * from env.services.studentRecords); CORS for env.webOrigins.
 * Grants: read on the table for getStudentData and the backup; read/write for
 * insertStudentData; write for the restore; the backup bucket only under `backups/`
 * (put and delete for the backup, which removes a partial object on failure; read for
 * the restore); SES send from the sender address only for the backup.
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
import { platformRefs } from "./platform";

export const STUDENT_RECORDS = "student-records";

export class StudentRecordsStack extends ServiceStack {
  readonly table: Table;
  readonly backups: Bucket;
  readonly email: Email;
  readonly getStudentData: NodejsFunction;
  readonly insertStudentData: NodejsFunction;
  readonly backup: NodejsFunction;
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

    this.backup = new NodejsFunction(this, "BackupDynamoDBAndSendEmail", {
      entry: "functions/backup-students/index.ts",
      description: "POST /backup: table to S3 (backups/), report by SES",
      memorySize: 512,
      timeout: 300,
      environment: {
        TABLE_NAME: this.table.tableName,
        BUCKET_NAME: this.backups.bucketName,
        SENDER_EMAIL: env.senderEmail,
        ADMIN_EMAIL: env.adminEmail,
        ALLOWED_ORIGINS: origins,
      },
    });
    this.table.grantReadData(this.backup);
    this.backups.grantPut(this.backup, BACKUP_PREFIX);
    this.backups.grantDelete(this.backup, BACKUP_PREFIX);
    this.email.grantSend(this.backup);

    this.restore = new NodejsFunction(this, "restoreStudentData", {
      entry: "functions/restore-students/index.ts",
      description: "POST /restore: a backup back into the table",
      memorySize: 512,
      timeout: 300,
      environment: { TABLE_NAME: this.table.tableName, BUCKET_NAME: this.backups.bucketName, ALLOWED_ORIGINS: origins },
    });
    this.table.grantWriteData(this.restore);
    this.backups.grantRead(this.restore, BACKUP_PREFIX);

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
    api.addRoute("POST /backup", { integration: lambdaProxy(this.backup), apiKey: true });
    api.addRoute("POST /restore", { integration: lambdaProxy(this.restore), apiKey: true, requestModel: "RestoreRequest" });

    const config = env.services.studentRecords;
    api.addUsagePlan("StudentUsagePlan", {
      stages: ["prod"],
      throttle: config.usagePlanThrottle,
      quota: config.usagePlanQuota,
      keys: [api.addApiKey("StudentApiKey", { description: "Key of the student web page" })],
    });

  }
}
