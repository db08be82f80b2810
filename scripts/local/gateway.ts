/**
 * `startGateway`: back ends, model, functions and the HTTP server, as one object that the
 * CLI (main.ts), the tests and the benchmark share.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { LocalCognito } from "./authorizers";
import { startDynalite, startS3rver, startSesMailbox, type SupervisedBackend } from "./backends/index";
import { startLambdaApi } from "./lambda-api";
import { buildModel } from "./model/build";
import type { GatewayModel } from "./model/types";
import { provision } from "./provision";
import { GatewayRuntime } from "./pipeline/runtime";
import { createGatewayServer } from "./server";
import { HotFunctions, type HotReport } from "./dev/hot-functions";
import { FunctionPool } from "./workers";
import { startWeb, type LocalWeb, type WebOptions } from "./web";

export interface GatewayOptions {
  /** cdktf output folder (holding `stacks/<stack>/cdk.tf.json`). */
  readonly outdir: string;
  /** Environment to serve; default the first one found. */
  readonly env?: string;
  /** 0 picks a free port. Default 4010. */
  readonly port?: number;
  /** Folder for functions, S3 objects, the mailbox, logs and endpoints.json. Default `.local`. */
  readonly stateDir?: string;
  /** Keep DynamoDB data in `<stateDir>/dynamodb` instead of memory. */
  readonly persist?: boolean;
  /** Access log lines, notices and the handlers' own output; default the console. */
  readonly log?: (line: string) => void;
  /** Load every function's handler before serving. Default false. */
  readonly prewarm?: boolean;
  /**
   * Awaited after the HTTP server and back ends are up and before the outdir is read, so a
   * synth can run while they start (what `npm start` does).
   */
  readonly outdirReady?: Promise<unknown>;
  /** Also serve the pages (web/) and the local user-pool API (scripts/local/web). */
  readonly web?: WebOptions;
  /** The folder the function bundles' sources are relative to (the dev loop). Default the working directory. */
  readonly projectRoot?: string;
}

export interface ApiEndpoint {
  stack: string;
  api: string;
  stage: string;
  url: string;
  apiKeys: Record<string, string>;
  tokens: Record<string, string>;
}

export interface Endpoints {
  gateway: string;
  apis: ApiEndpoint[];
  dynamodb: string;
  s3: string;
  mailbox: string;
  /** The local Lambda Invoke API (`AWS_ENDPOINT_URL_LAMBDA` of the functions). */
  lambda: string;
  /** Service → page URL, when the pages are served. */
  web?: Record<string, string>;
  /** The local user-pool API and its seeded users, when the pages are served. */
  cognito?: { endpoint: string; users: { userPoolId: string; username: string; password: string }[] };
}

export interface Gateway {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly endpoints: Endpoints;
  /** The model being served. */
  model(): GatewayModel;
  /** Finds one API stage's endpoint by stack (and stage). */
  api(stack: string, stage: string): ApiEndpoint;
  /**
   * A token from the local issuer of a Cognito authorizer of this stack's API: other
   * claims, an expired one (`ttlSeconds` < 0) or another audience, for tests.
   */
  token(stack: string, authorizerName: string, options?: { claims?: Record<string, unknown>; ttlSeconds?: number; audience?: string }): Promise<string>;
  /** The pages and the local user-pool API, when `web` was asked for. */
  readonly web?: LocalWeb;
  /** The supervised back-end processes (their current pid, restarts). */
  readonly backends: { readonly dynamodb: SupervisedBackend; readonly s3: SupervisedBackend };
  /**
   * The dev loop: rebuilds only the bundles that read these files (absolute, or relative to
   * the project root) and swaps their functions' workers, without a synth. Undefined when no
   * served bundle reads any of them.
   */
  reloadFunctions(files: readonly string[]): Promise<HotReport | undefined>;
  /** Prepares the dev loop's incremental builds ahead of the first edit. */
  warmReloads(): Promise<void>;
  /** Re-reads the outdir and swaps model and functions without a restart. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

async function endpointsFor(model: GatewayModel, gateway: string, cognito: LocalCognito, backends: { dynamodb: string; s3: string; mailbox: string; lambda: string }): Promise<Endpoints> {
  const apis: ApiEndpoint[] = [];
  for (const api of model.apis) {
    for (const stage of api.stages.values()) {
      const apiKeys: Record<string, string> = {};
      for (const key of model.apiKeys) {
        if (!key.enabled) continue;
        const inPlan = model.usagePlans.some((p) => p.keyIds.includes(key.id) && p.apiStages.some((s) => s.apiId === api.id && s.stage === stage.name));
        if (inPlan) apiKeys[key.name] = key.value;
      }
      const tokens: Record<string, string> = {};
      for (const authorizer of api.authorizers.values()) {
        if (authorizer.type !== "COGNITO_USER_POOLS" || authorizer.providerArns.length === 0) continue;
        tokens[authorizer.name] = await cognito.issue(authorizer.providerArns[0]!);
      }
      apis.push({ stack: api.stack, api: api.name, stage: stage.name, url: `${gateway}/${api.stack}/${stage.name}`, apiKeys, tokens });
    }
  }
  return { gateway, apis, ...backends };
}

async function preparePools(model: GatewayModel, cognito: LocalCognito): Promise<void> {
  for (const api of model.apis) {
    for (const authorizer of api.authorizers.values()) {
      for (const arn of authorizer.providerArns) await cognito.addPool(arn, model.userPoolClients.get(arn) ?? []);
    }
  }
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const stateDir = resolve(options.stateDir ?? ".local");
  const outdir = resolve(options.outdir);
  mkdirSync(stateDir, { recursive: true });
  const log = options.log ?? ((line: string) => console.log(line));

  let runtime: GatewayRuntime | undefined;
  const server: Server = createGatewayServer(() => runtime, log);
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 4010, "127.0.0.1", () => ok());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const closers: (() => Promise<void>)[] = [
    () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  ];
  const close = async () => {
    const list = closers.splice(0).reverse();
    for (const c of list) await c().catch(() => undefined);
  };

  try {
    let model: GatewayModel | undefined;
    const started: { s3?: string } = {};
    const mailboxDir = join(stateDir, "mailbox");
    const [dynamodb, s3, ses] = await Promise.all([
      // A restarted in-memory dynalite comes back empty: the model's tables are made again
      // (and seeded) before it takes traffic; persisted data and S3 objects survive on disk.
      startDynalite({
        ...(options.persist ? { path: join(stateDir, "dynamodb") } : {}),
        log,
        onRestart: async (childEndpoint) => (model ? provision(model, { dynamodb: childEndpoint, s3: started.s3! }) : undefined),
      }).then((b) => (closers.push(() => b.close()), b)),
      startS3rver({ directory: join(stateDir, "s3"), log }).then((b) => (closers.push(() => b.close()), b)),
      startSesMailbox({ directory: mailboxDir, identities: () => model?.identities ?? [] }).then((b) => (closers.push(() => b.close()), b)),
    ]);
    started.s3 = s3.endpoint;
    let pool: FunctionPool | undefined;
    const lambda = await startLambdaApi(
      {
        functions: () => model?.functions ?? [],
        permissions: () => model?.permissions ?? [],
        runner: (name, version) => pool?.get(name, version),
      },
      { failureDir: join(stateDir, "lambda", "failures"), log },
    );
    closers.push(() => lambda.close());
    const backends = { dynamodb: dynamodb.endpoint, s3: s3.endpoint, ses: ses.endpoint, lambda };
    await options.outdirReady;
    model = buildModel({ outdir, env: options.env, gatewayUrl: url });
    await provision(model, backends);

    const cognito = new LocalCognito();
    await preparePools(model, cognito);
    let generation = 0;
    pool = await FunctionPool.create(model.functions, stateDir, backends, generation, options.log);
    closers.push(() => pool!.close());
    for (const warning of [...model.warnings, ...pool.problems]) log(`warning: ${warning}`);
    if (options.prewarm) await pool.warm();
    runtime = new GatewayRuntime(model, pool, cognito, { logDir: join(stateDir, "logs"), log });
    const rt = runtime;
    closers.push(() => rt.close());

    let web: LocalWeb | undefined;
    if (options.web) {
      web = await startWeb({ model, cognito, gatewayUrl: url, s3Url: s3.endpoint }, { log, ...options.web });
      closers.push(() => web!.close());
    }
    const webInfo = () => (web ? { web: web.pages, cognito: { endpoint: web.cognito.endpoint, users: web.cognito.users.map(({ userPoolId, username, password }) => ({ userPoolId, username, password })) } } : {});
    const backendInfo = { dynamodb: dynamodb.endpoint, s3: s3.endpoint, mailbox: mailboxDir, lambda: lambda.endpoint };
    let endpoints = { ...(await endpointsFor(model, url, cognito, backendInfo)), ...webInfo() };
    const writeEndpoints = () => writeFileSync(join(stateDir, "endpoints.json"), JSON.stringify(endpoints, null, 2) + "\n");
    writeEndpoints();

    const projectRoot = resolve(options.projectRoot ?? process.cwd());
    let hot: HotFunctions | undefined;
    const hotFunctions = () => (hot ??= new HotFunctions(model!.functions, projectRoot, join(stateDir, "dev-functions")));
    closers.push(async () => hot?.dispose());

    const gateway: Gateway = {
      url,
      get endpoints() {
        return endpoints;
      },
      model: () => model!,
      web,
      backends: { dynamodb, s3 },
      api(stack, stage) {
        const found = endpoints.apis.find((a) => a.stack === stack && a.stage === stage);
        if (!found) throw new Error(`no API stage ${stack}/${stage}; serving ${endpoints.apis.map((a) => `${a.stack}/${a.stage}`).join(", ")}`);
        return found;
      },
      async token(stack, authorizerName, tokenOptions = {}) {
        const authorizer = model!.apis
          .filter((a) => a.stack === stack)
          .flatMap((a) => [...a.authorizers.values()])
          .find((a) => a.name === authorizerName && a.type === "COGNITO_USER_POOLS");
        if (!authorizer?.providerArns[0]) throw new Error(`no Cognito authorizer "${authorizerName}" in ${stack}`);
        return cognito.issue(authorizer.providerArns[0], tokenOptions.claims, tokenOptions.ttlSeconds, tokenOptions.audience);
      },
      reloadFunctions: (files) => hotFunctions().rebuild(files, pool!),
      warmReloads: () => hotFunctions().warm(),
      async reload() {
        await hot?.dispose();
        hot = undefined;
        const next = buildModel({ outdir, env: options.env, gatewayUrl: url });
        await provision(next, backends);
        await preparePools(next, cognito);
        generation += 1;
        const nextPool = await FunctionPool.create(next.functions, stateDir, backends, generation, options.log);
        for (const warning of [...next.warnings, ...nextPool.problems]) log(`warning: ${warning}`);
        const old = runtime!.swap(next, nextPool);
        model = next;
        pool = nextPool;
        web?.update(next);
        endpoints = { ...(await endpointsFor(model, url, cognito, backendInfo)), ...webInfo() };
        writeEndpoints();
        await old.close(false);
      },
      close,
    };
    return gateway;
  } catch (error) {
    await close();
    throw error;
  }
}
