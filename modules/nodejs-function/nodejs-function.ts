import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AssetType, Lazy, TerraformAsset, TerraformOutput, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import type { Environment } from "../config/environments";
import { PropError } from "../core/errors";
import type { LambdaAliasRef, LambdaFunctionRef, StageVariableTarget } from "../core/function-ref";
import { policyDocument, type IGrantable, type PolicyStatement } from "../core/grant";
import { ServiceStack } from "../core/service-stack";
import { bundleFunction, findProjectRoot, type FunctionBundle } from "./bundle";
import type { NodejsRuntime } from "./esbuild-options";
import {
  validateAliasName,
  validateAliasTarget,
  validateArchitecture,
  validateDescription,
  validateEnvironmentKey,
  validateFunctionName,
  validateLogRetentionDays,
  validateMemorySize,
  validateReservedConcurrency,
  validateRuntime,
  validateStageVariable,
  validateStatement,
  validateTimeout,
  type LambdaArchitecture,
} from "./validate";

export type FunctionUpload = "s3" | "direct";

/**
 * Where an alias points: `"$LATEST"`, `"latest"` (the version this deployment publishes,
 * i.e. the function's newest version) or a published version number such as `"3"`.
 */
export type AliasTarget = string;

export interface NodejsFunctionProps {
  /** TypeScript (or JavaScript) entry file, relative to the project root (the folder with cdktf.json) or absolute. */
  readonly entry: string;
  /**
   * @default the stack's physical name for the construct id (`dev-ItemsFunction`) in a
   * ServiceStack, else the construct id
   */
  readonly functionName?: string;
  /** @default no description */
  readonly description?: string;
  /** @default 256 (MB) */
  readonly memorySize?: number;
  /** @default 10 (seconds) */
  readonly timeout?: number;
  /** @default "nodejs22.x" */
  readonly runtime?: NodejsRuntime;
  /** @default "arm64" */
  readonly architecture?: LambdaArchitecture;
  /** Environment variables; more can be added with `addEnvironment`. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default no reservation (the account's unreserved pool) */
  readonly reservedConcurrency?: number;
  /**
   * Ship `index.mjs.map` in the zip and set `NODE_OPTIONS=--enable-source-maps`.
   * @default false
   */
  readonly sourceMap?: boolean;
  /** Aliases by name, e.g. `{ dev: "$LATEST", prod: "latest" }`. @default {} (no aliases) */
  readonly aliases?: Readonly<Record<string, AliasTarget>>;
  /**
   * How the zip reaches Lambda: `"s3"` uploads it to `artifactsBucket` under a content-addressed
   * key, `"direct"` gives Lambda the file itself.
   * @default the environment's `functionUpload`; `"s3"` when `artifactsBucket` is set, else `"direct"`
   */
  readonly upload?: FunctionUpload;
  /** Bucket the `"s3"` upload mode writes the zip to. @default the environment's `artifactsBucket` */
  readonly artifactsBucket?: string;
  /** Region of the function, used in the ARNs that API Gateway integrations call. @default the environment's region, else the stack's AwsProvider region */
  readonly region?: string;
  /** @default the environment's `logRetentionDays`, else 14 */
  readonly logRetentionDays?: number;
  /**
   * The project's environment; supplies the defaults above. Never required: outside a
   * ServiceStack, pass the props explicitly (at least `region`, or an AwsProvider with a region).
   * @default the enclosing ServiceStack's environment, if any
   */
  readonly env?: Environment;
  /** Retries and on-failure destination of asynchronous invocations. @default Lambda's defaults, no destination */
  readonly asyncInvoke?: AsyncInvokeProps;
}

/** Where Lambda sends an asynchronous event whose retries are used up: a queue or a topic. */
export interface AsyncFailureDestination {
  readonly arn: string;
  /** Lets the function's role send to it (Lambda sends with the execution role). */
  grantSend(grantee: IGrantable): void;
}

/** How Lambda handles asynchronous invocations (`InvocationType: Event`) of the function. */
export interface AsyncInvokeProps {
  /** Retries after a function error, 0..2. @default 2 (Lambda's default) */
  readonly maximumRetryAttempts?: number;
  /** How long an event may wait in Lambda's queue, 60..21600 s. @default 21600 (Lambda's default) */
  readonly maximumEventAgeSeconds?: number;
  /** Where a failed or expired event goes (an `aws_lambda_function_event_invoke_config` on-failure destination). */
  readonly onFailure: AsyncFailureDestination;
}

/** Log retention (days) when neither the props nor an environment say. */
export const DEFAULT_LOG_RETENTION_DAYS = 14;

/** The `region` of the stack's AwsProvider, when it is a plain string. */
function providerRegion(stack: TerraformStack): string | undefined {
  for (const child of stack.node.children) {
    if (child instanceof AwsProvider && typeof child.region === "string" && !Token.isUnresolved(child.region)) return child.region;
  }
  return undefined;
}

/** Default memory (MB) and timeout (s): explicit, so a plan never depends on AWS's defaults. */
export const DEFAULT_MEMORY_SIZE = 256;
export const DEFAULT_TIMEOUT = 10;

/**
 * A Lambda function built from a TypeScript entry: an esbuild ESM bundle in a byte-stable zip
 * (a TerraformAsset, uploaded to the artifacts bucket under a content-addressed key or given
 * directly), its own log group, and its own role that may only write to that log group and
 * send X-Ray traces until other modules grant more through `addToRolePolicy`.
 */
export class NodejsFunction extends Construct implements LambdaFunctionRef, IGrantable {
  readonly id: string;
  readonly functionName: string;
  readonly functionNameRef: string;
  readonly arn: string;
  readonly invokeArn: string;
  /** `<arn>:<version>`: the version this deployment published. */
  readonly qualifiedArn: string;
  /** The version this deployment published. */
  readonly version: string;
  readonly region: string;
  readonly aliasNames: readonly string[];
  /** The environment that supplied defaults, when there was one. */
  readonly env: Environment | undefined;
  readonly upload: FunctionUpload;
  readonly bundle: FunctionBundle;
  readonly asset: TerraformAsset;
  readonly role: IamRole;
  readonly rolePolicy: IamRolePolicy;
  readonly logGroup: CloudwatchLogGroup;
  readonly lambda: LambdaFunction;
  /** The artifacts-bucket object, in `s3` upload mode. */
  readonly codeObject?: S3Object;
  /** Retries and destination of asynchronous invocations, when `asyncInvoke` is given. */
  readonly eventInvokeConfig?: LambdaFunctionEventInvokeConfig;

  private readonly statements: PolicyStatement[] = [];
  private readonly environmentVariables: Record<string, string> = {};
  private readonly aliasResources = new Map<string, LambdaAlias>();

  constructor(scope: Construct, id: string, props: NodejsFunctionProps) {
    super(scope, id);
    this.id = id;
    const stack = TerraformStack.of(this);
    const serviceStack = stack instanceof ServiceStack ? stack : undefined;
    const env = props.env ?? serviceStack?.env;
    const region = props.region ?? env?.region ?? providerRegion(stack);
    if (region === undefined) {
      throw new PropError(
        this,
        "region",
        undefined,
        "pass `region`, configure the stack's AwsProvider with a region, or create the function inside a ServiceStack.",
      );
    }
    this.env = env;
    this.region = region;

    // Defaults, applied once.
    const functionName = props.functionName ?? serviceStack?.physicalName(id) ?? id;
    const memorySize = props.memorySize ?? DEFAULT_MEMORY_SIZE;
    const timeout = props.timeout ?? DEFAULT_TIMEOUT;
    const runtime = props.runtime ?? "nodejs22.x";
    const architecture = props.architecture ?? "arm64";
    const sourceMap = props.sourceMap ?? false;
    const aliases = props.aliases ?? {};
    const artifactsBucket = props.artifactsBucket ?? env?.artifactsBucket;
    const upload = props.upload ?? env?.functionUpload ?? (artifactsBucket !== undefined ? "s3" : "direct");
    const logRetentionDays = props.logRetentionDays ?? env?.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;

    // Validation, before any work.
    validateFunctionName(this, functionName);
    validateDescription(this, props.description);
    validateMemorySize(this, memorySize);
    validateTimeout(this, timeout);
    validateRuntime(this, runtime);
    validateArchitecture(this, architecture);
    validateReservedConcurrency(this, props.reservedConcurrency);
    validateLogRetentionDays(this, logRetentionDays);
    if (upload !== "s3" && upload !== "direct") {
      throw new PropError(this, "upload", upload, 'use "s3" (artifacts bucket) or "direct" (filename).');
    }
    if (upload === "s3" && artifactsBucket === undefined) {
      throw new PropError(this, "artifactsBucket", undefined, 'name the bucket the "s3" upload mode writes to, or set `upload: "direct"`.');
    }
    for (const [name, target] of Object.entries(aliases)) {
      validateAliasName(this, name);
      validateAliasTarget(this, name, target);
    }
    const projectRoot = projectRootOf(this);
    const entryPath = path.resolve(projectRoot, props.entry);
    if (!existsSync(entryPath) || !statSync(entryPath).isFile()) {
      throw new PropError(
        this,
        "entry",
        props.entry,
        "point it at an existing handler file, relative to the project root (the folder with cdktf.json) or absolute.",
      );
    }
    for (const [key, value] of Object.entries(props.environment ?? {})) {
      validateEnvironmentKey(this, key);
      this.environmentVariables[key] = value;
    }
    if (sourceMap) this.environmentVariables.NODE_OPTIONS = "--enable-source-maps";

    this.functionName = functionName;
    this.upload = upload;
    this.aliasNames = Object.keys(aliases);

    // Package: bundle + deterministic zip, as a file asset named by its SHA-256.
    this.bundle = bundleFunction({ entry: entryPath, projectRoot, runtime, sourceMap });
    this.asset = new TerraformAsset(this, "Code", {
      path: this.bundle.zipPath,
      type: AssetType.FILE,
      assetHash: this.bundle.sha256Hex,
    });

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: logRetentionDays,
    });

    const roleName = `${functionName}-role`;
    this.role = new IamRole(this, "Role", {
      ...(roleName.length <= 64 ? { name: roleName } : { namePrefix: `${functionName.slice(0, 37)}-` }),
      description: `Execution role of the ${functionName} Lambda function`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    this.statements.push(
      {
        sid: "WriteOwnLogGroup",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${this.logGroup.arn}:*`],
      },
      {
        // X-Ray's trace-upload actions support no resource-level permissions: AWS requires "*".
        sid: "SendXRayTraces",
        actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        resources: ["*"],
      },
    );
    this.rolePolicy = new IamRolePolicy(this, "RolePolicy", {
      name: "least-privilege",
      role: this.role.id,
      // Rendered at synth, so grants added after construction are included.
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });

    if (upload === "s3") {
      this.codeObject = new S3Object(this, "CodeObject", {
        bucket: artifactsBucket!,
        key: `functions/${functionName}/${this.bundle.sha256Hex}.zip`,
        source: this.asset.path,
        sourceHash: this.bundle.sha256Hex,
        contentType: "application/zip",
      });
    }

    this.lambda = new LambdaFunction(this, "Function", {
      functionName,
      description: props.description,
      role: this.role.arn,
      runtime,
      architectures: [architecture],
      handler: "index.handler",
      memorySize,
      timeout,
      publish: true,
      reservedConcurrentExecutions: props.reservedConcurrency,
      ...(this.codeObject
        ? { s3Bucket: this.codeObject.bucket, s3Key: this.codeObject.key }
        : { filename: this.asset.path }),
      sourceCodeHash: this.bundle.sha256Base64,
      // No block at all without variables; addEnvironment puts one later.
      ...(Object.keys(this.environmentVariables).length > 0
        ? { environment: { variables: sortedRecord(this.environmentVariables) } }
        : {}),
      tracingConfig: { mode: "Active" },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
      dependsOn: [this.logGroup, this.rolePolicy],
    });

    this.functionNameRef = this.lambda.functionName;
    this.arn = this.lambda.arn;
    this.invokeArn = this.lambda.invokeArn;
    this.qualifiedArn = this.lambda.qualifiedArn;
    this.version = this.lambda.version;

    if (props.asyncInvoke) {
      const { maximumRetryAttempts = 2, maximumEventAgeSeconds = 21_600, onFailure } = props.asyncInvoke;
      if (!Number.isInteger(maximumRetryAttempts) || maximumRetryAttempts < 0 || maximumRetryAttempts > 2) {
        throw new PropError(this, "asyncInvoke.maximumRetryAttempts", maximumRetryAttempts, "use 0, 1 or 2 (Lambda's range).");
      }
      if (!Number.isInteger(maximumEventAgeSeconds) || maximumEventAgeSeconds < 60 || maximumEventAgeSeconds > 21_600) {
        throw new PropError(this, "asyncInvoke.maximumEventAgeSeconds", maximumEventAgeSeconds, "use a whole number of seconds from 60 to 21600 (6 hours).");
      }
      onFailure.grantSend(this);
      this.eventInvokeConfig = new LambdaFunctionEventInvokeConfig(this, "AsyncInvoke", {
        functionName: this.lambda.functionName,
        maximumRetryAttempts,
        maximumEventAgeInSeconds: maximumEventAgeSeconds,
        destinationConfig: { onFailure: { destination: onFailure.arn } },
        // Lambda checks that the role may send to the destination when the config is saved.
        dependsOn: [this.rolePolicy],
      });
    }

    for (const [name, target] of Object.entries(aliases)) {
      this.aliasResources.set(
        name,
        new LambdaAlias(this, `Alias-${name}`, {
          name,
          functionName: this.lambda.functionName,
          functionVersion: target === "latest" ? this.lambda.version : target,
        }),
      );
    }

    new TerraformOutput(this, "name", { value: this.lambda.functionName, description: "Function name" });
    new TerraformOutput(this, "arn", { value: this.lambda.arn, description: "Function ARN" });
    new TerraformOutput(this, "qualified_arn", {
      value: this.lambda.qualifiedArn,
      description: "ARN of the version this deployment published",
    });
    new TerraformOutput(this, "version", { value: this.lambda.version, description: "Newest published version" });
    for (const [name, alias] of this.aliasResources) {
      new TerraformOutput(this, `alias_${name}_arn`, { value: alias.arn, description: `ARN of alias ${name}` });
    }
  }

  /** Adds (or replaces) an environment variable; rendered at synth. */
  addEnvironment(key: string, value: string): this {
    validateEnvironmentKey(this, key);
    this.environmentVariables[key] = value;
    this.lambda.putEnvironment({ variables: sortedRecord(this.environmentVariables) });
    return this;
  }

  /**
   * Adds a least-privilege statement to this function's own inline role policy. A statement
   * identical to one already there (the same grant made twice) is added once.
   */
  addToRolePolicy(statement: PolicyStatement): void {
    const rendered = policyDocument([statement]);
    if (this.statements.some((s) => policyDocument([s]) === rendered)) return;
    const sids = new Set(this.statements.flatMap((s) => (s.sid ? [s.sid] : [])));
    validateStatement(this, statement, sids);
    this.statements.push(statement);
  }

  /**
   * Lets another function invoke this one (synchronously or with `InvocationType: Event`):
   * `lambda:InvokeFunction` on exactly this function's unqualified ARN, in the grantee's role.
   */
  grantInvoke(grantee: IGrantable): void {
    grantee.addToRolePolicy({ actions: ["lambda:InvokeFunction"], resources: [this.arn] });
  }

  /** The statements of the role policy as they stand now (read-only copy). */
  get policyStatements(): readonly PolicyStatement[] {
    return [...this.statements];
  }

  alias(name: string): LambdaAliasRef {
    const resource = this.aliasResources.get(name);
    if (!resource) {
      throw new PropError(
        this,
        "alias",
        name,
        this.aliasNames.length === 0
          ? "declare it in the function's `aliases` prop first (the function has no aliases)."
          : `use one of the declared aliases: ${this.aliasNames.join(", ")}.`,
      );
    }
    return { name, nameRef: resource.name, functionVersion: resource.functionVersionInput ?? resource.functionVersion, arn: resource.arn, invokeArn: resource.invokeArn };
  }

  /** An integration target whose alias each API stage picks with a stage variable. */
  aliasFromStageVariable(variable: string): StageVariableTarget {
    validateStageVariable(this, variable);
    if (this.aliasNames.length === 0) {
      throw new PropError(
        this,
        "aliases",
        {},
        `declare the aliases the stage variable "${variable}" may name (e.g. { dev: "$LATEST", prod: "latest" }).`,
      );
    }
    return { kind: "stage-variable", fn: this, variable };
  }
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]!]));
}

/** The folder of cdktf.json (cdktf's `cdktfJsonPath` context when set, else searched from the cwd). */
function projectRootOf(scope: Construct): string {
  const cdktfJsonPath: unknown = scope.node.tryGetContext("cdktfJsonPath");
  return typeof cdktfJsonPath === "string" ? path.dirname(path.resolve(cdktfJsonPath)) : findProjectRoot();
}
