/**
 * The local Lambda Invoke API (scripts/local/lambda-api.ts) over handlers imported into the
 * test process: each named function runs its handler in-process instead of in a worker
 * thread, so handler tests can follow an asynchronous invocation end to end over real HTTP.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { startLambdaApi, type LambdaApi } from "../../scripts/local/lambda-api.js";
import type { FunctionModel, PermissionModel } from "../../scripts/local/model/types.js";
import type { InvokeResult } from "../../scripts/local/workers.js";

export type TestHandler = (event: unknown, context: { awsRequestId: string; getRemainingTimeInMillis: () => number }) => Promise<unknown>;

export interface TestFunction {
  readonly handler: TestHandler;
  readonly roleArn?: string;
  readonly rolePolicies?: readonly string[];
  readonly asyncInvoke?: FunctionModel["asyncInvoke"];
  readonly timeoutSeconds?: number;
}

export interface InProcessLambda {
  readonly api: LambdaApi;
  readonly failureDir: string;
  readonly functions: FunctionModel[];
  /** A client as a function of the given name would have it (its session token), or an administrator's. */
  client(asFunction?: string): LambdaClient;
  /** How many times each function was invoked. */
  readonly invocations: Map<string, number>;
}

export function functionModel(name: string, fn: Partial<TestFunction> = {}): FunctionModel {
  return {
    stack: "test",
    resourceName: name,
    functionName: name,
    arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    region: "us-east-1",
    zipPath: "",
    handler: "index.handler",
    runtime: "nodejs22.x",
    timeoutSeconds: fn.timeoutSeconds ?? 900,
    memoryMb: 256,
    environment: {},
    version: "$LATEST",
    aliases: new Map(),
    roleArn: fn.roleArn ?? `arn:aws:iam::123456789012:role/${name}-role`,
    rolePolicies: fn.rolePolicies ?? [],
    ...(fn.asyncInvoke ? { asyncInvoke: fn.asyncInvoke } : {}),
  };
}

export async function startInProcessLambda(defs: Record<string, TestFunction>, permissions: PermissionModel[] = []): Promise<InProcessLambda> {
  const functions = Object.entries(defs).map(([name, fn]) => functionModel(name, fn));
  const invocations = new Map<string, number>();
  const failureDir = mkdtempSync(path.join(os.tmpdir(), "lambda-failures-"));
  const api = await startLambdaApi(
    {
      functions: () => functions,
      permissions: () => permissions,
      runner: (name) => {
        const def = defs[name];
        if (!def) return undefined;
        return {
          async invoke(event: unknown): Promise<InvokeResult> {
            invocations.set(name, (invocations.get(name) ?? 0) + 1);
            const deadline = Date.now() + (def.timeoutSeconds ?? 900) * 1000;
            try {
              const result = await def.handler(event, { awsRequestId: "test", getRemainingTimeInMillis: () => deadline - Date.now() });
              return { ok: true, payload: JSON.stringify(result ?? null) };
            } catch (err) {
              const e = err as Error;
              return { ok: false, kind: "handled", error: { errorType: e.name, errorMessage: e.message } };
            }
          },
        };
      },
    },
    { failureDir, log: () => undefined, retryDelaysMs: [10, 20] },
  );
  return {
    api,
    failureDir,
    functions,
    invocations,
    client(asFunction) {
      return new LambdaClient({
        endpoint: api.endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local", ...(asFunction ? { sessionToken: api.sessionToken(asFunction) } : {}) },
      });
    },
  };
}
