/**
 * The student-records stack's DynamoDB tables as the local back end creates them: read from
 * the Terraform that modules/services/student-records.ts synthesizes, through the gateway's own
 * reader and provisioning code (scripts/local/model/tables.ts, scripts/local/provision.ts). The
 * handler tests and the backup bench create their tables from this, so their keys and indexes
 * are the stack's and cannot drift from it.
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { Testing, type App } from "cdktf";
import { loadEnvironment } from "../../modules/config/environments";
import { StudentRecordsStack } from "../../modules/services/student-records";
import { TfStack } from "../../modules/tfjson";
import { tableModelOf } from "../../scripts/local/model/tables";
import { createTableInput } from "../../scripts/local/provision";

/** The stack's tables, by construct id. */
export type StudentRecordsTable = "studentData" | "backupJobs" | "restoreJobs";

let synthesized: TfStack | undefined;

/** The CreateTable input for one of the stack's tables (synthesized once per process), under another name. */
export function studentRecordsTableInput(id: StudentRecordsTable, tableName: string): CreateTableCommandInput {
  if (!synthesized) {
    const env = loadEnvironment("dev", {});
    const stack = new StudentRecordsStack(Testing.app() as App, env, { backend: { kind: "local" } });
    synthesized = new TfStack(JSON.parse(Testing.synth(stack)));
  }
  const table = synthesized.ofType("aws_dynamodb_table").find((r) => r.attrs.name === `dev-${id}`);
  if (!table) throw new Error(`the student-records stack has no table dev-${id}`);
  return { ...createTableInput(tableModelOf(table.attrs)), TableName: tableName };
}
