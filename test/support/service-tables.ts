/**
 * The service stacks' DynamoDB tables as the local back end creates them: read from the
 * Terraform each stack synthesizes (modules/services/), through the gateway's own reader and
 * provisioning code (scripts/local/model/tables.ts, scripts/local/provision.ts). The handler
 * tests and the backup bench create their tables from this, so their keys and indexes are the
 * stacks' and cannot drift from them.
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { Testing, type App } from "cdktf";
import { loadEnvironment, type Environment } from "../../modules/config/environments";
import type { ServiceStack, ServiceStackProps } from "../../modules/core/service-stack";
import { ImageGalleryStack } from "../../modules/services/image-gallery";
import { ItemsCatalogStack } from "../../modules/services/items-catalog";
import { StudentRecordsStack } from "../../modules/services/student-records";
import { TodosStack } from "../../modules/services/todos";
import { TfStack } from "../../modules/tfjson";
import { tableModelOf } from "../../scripts/local/model/tables";
import { createTableInput } from "../../scripts/local/provision";

type StackOf = (app: App, env: Environment, props: ServiceStackProps) => ServiceStack;

/** The services with tables, and their tables' construct ids. */
const STACKS = {
  "student-records": (app, env, props) => new StudentRecordsStack(app, env, props),
  todos: (app, env, props) => new TodosStack(app, env, props),
  "items-catalog": (app, env, props) => new ItemsCatalogStack(app, env, props),
  "image-gallery": (app, env, props) => new ImageGalleryStack(app, env, props),
} satisfies Record<string, StackOf>;

export interface ServiceTables {
  "student-records": "studentData" | "backupJobs" | "restoreJobs";
  todos: "TodoItems";
  "items-catalog": "Items";
  "image-gallery": "PictureMetadata";
}
export type Service = keyof typeof STACKS & keyof ServiceTables;

const synthesized = new Map<Service, TfStack>();

/** The CreateTable input for one of a service's tables (each stack synthesized once per process), under another name. */
export function serviceTableInput<S extends Service>(service: S, id: ServiceTables[S], tableName: string): CreateTableCommandInput {
  let stack = synthesized.get(service);
  if (!stack) {
    const built = STACKS[service](Testing.app() as App, loadEnvironment("dev", {}), { backend: { kind: "local" } });
    stack = new TfStack(JSON.parse(Testing.synth(built)));
    synthesized.set(service, stack);
  }
  const table = stack.ofType("aws_dynamodb_table").find((r) => r.attrs.name === `dev-${id}`);
  if (!table) throw new Error(`the ${service} stack has no table dev-${id}`);
  return { ...createTableInput(tableModelOf(table.attrs)), TableName: tableName };
}
