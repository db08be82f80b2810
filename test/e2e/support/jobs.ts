/**
 * What the job e2e tests (backups, restores) share: reading and editing the synthesized
 * student-records stack, filling its table quickly, following a job at its `links.self`
 * until it ends, and the SES mailbox's messages.
 */
import { BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ApiEndpoint } from "../../../scripts/local/gateway";
import { body, environment, type RunningApp, type StackDocument } from "./app";

export const STUDENT_STACK = `student-records-${environment.name}`;

type Resources = Record<string, Record<string, unknown>>;
export const resources = (doc: StackDocument, type: string): Resources => (doc.resource[type] ?? {}) as Resources;
export const fnResource = (doc: StackDocument, name: string) => Object.values(resources(doc, "aws_lambda_function")).find((f) => f.function_name === name)!;
export const logicalId = (doc: StackDocument, name: string) => Object.entries(resources(doc, "aws_lambda_function")).find(([, f]) => f.function_name === name)![0];

/** Gives every API Gateway integration that targets the function `name` the integration limit `ms` (API Gateway's default and maximum: 29,000). */
export function limitIntegrations(doc: StackDocument, name: string, ms: number): void {
  const target = logicalId(doc, name);
  for (const integration of Object.values(resources(doc, "aws_api_gateway_integration"))) {
    if (String(integration.uri).includes(`aws_lambda_function.${target}.`)) integration.timeout_milliseconds = ms;
  }
}

/** `count` students of about 500 bytes each (ids `S000000`...), written straight to dynalite, 8 batches at a time. */
export async function fillStudents(app: RunningApp, count: number): Promise<void> {
  const ddb = new DynamoDBClient({ endpoint: app.endpoints.dynamodb, region: environment.region, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const table = `${environment.prefix}studentData`;
  const pad = "x".repeat(400);
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < count; i += 25) {
    batches.push(
      Array.from({ length: Math.min(25, count - i) }, (_, j) => ({
        PutRequest: { Item: { studentid: { S: `S${String(i + j).padStart(6, "0")}` }, name: { S: `Student ${i + j}` }, class: { S: "10A" }, birthdate: { S: "2009-01-01" }, email: { S: `s${i + j}@school.example` }, note: { S: pad } } },
      })),
    );
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        let pending = batches[next++]!;
        while (pending.length > 0) pending = (await ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }))).UnprocessedItems?.[table] ?? [];
      }
    }),
  );
}

/** GETs `path` (a job's `links.self` less the stage) every 100 ms until the job is no longer running. */
export async function waitForJob<T extends { status: string }>(api: ApiEndpoint, key: string, path: string, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${api.url}${path}`, { headers: { "x-api-key": key } });
    if (res.status === 200) {
      const job = await body<T>(res);
      if (job.status !== "running" || Date.now() > until) return job;
    } else if (res.status !== 429) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Mail {
  subject: string;
  text: string;
  to: string[];
}

/** The messages in the gateway's SES mailbox. */
export function mails(app: RunningApp): Mail[] {
  return readdirSync(app.endpoints.mailbox)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(path.join(app.endpoints.mailbox, f), "utf8")) as Mail);
}
