/**
 * Typed environment configuration.
 *
 * Every value has a default here and can be overridden by an environment variable named
 * `<ENV>_<KEY>` (for example `PROD_REGION`, `DEV_WEB_ORIGINS`). Lists are comma-separated.
 * `ENVIRONMENTS` chooses which environments are synthesized, in order (default `dev,prod`);
 * the first one is the one the local gateway serves by default.
 */

export type BackendConfig =
  | {
      /** S3 remote state: key `<stack>/terraform.tfstate`, encrypted, S3-native lock file. */
      readonly kind: "s3";
      readonly bucket: string;
      readonly region: string;
    }
  | {
      /** Terraform Cloud: one workspace per stack, named `<workspacePrefix><stack>`. */
      readonly kind: "cloud";
      readonly organization: string;
      readonly workspacePrefix: string;
      readonly hostname: string;
    }
  | {
      /** Local state file: for the state-bootstrap stack and for tests. */
      readonly kind: "local";
    };

export interface ThrottleConfig {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface QuotaConfig {
  readonly limit: number;
  readonly period: "DAY" | "WEEK" | "MONTH";
}

export interface Environment {
  /** Short name: `dev`, `prod`. Used in stack ids (`todos-dev`) and resource name prefixes. */
  readonly name: string;
  readonly region: string;
  /**
   * The AWS account the environment deploys to (`<ENV>_ACCOUNT_ID`): the provider's
   * `allowed_account_ids`, so credentials for another account fail the plan.
   */
  readonly accountId: string;
  /**
   * Whether this environment's platform stack manages the account's API Gateway setting
   * (`aws_api_gateway_account`, one per account and region). Exactly one environment per
   * account and region may: `<ENV>_MANAGE_API_GATEWAY_ACCOUNT=false` on the others.
   */
  readonly manageApiGatewayAccount: boolean;
  /** Prefix for every named resource, for example `dev-` gives `dev-studentData`. */
  readonly prefix: string;
  readonly backend: BackendConfig;
  /** Origins allowed by CORS on every API and echoed by the handlers. Never `*` by default. */
  readonly webOrigins: readonly string[];
  /** Address every service's email is sent from; declared as an SES identity. */
  readonly senderEmail: string;
  /** Address that receives backup reports. */
  readonly adminEmail: string;
  /** Address subscribed to the environment's alarm topic. */
  readonly alarmEmail: string;
  /** CloudWatch log retention, in days, for every log group the project creates. */
  readonly logRetentionDays: number;
  /** How function zips reach Lambda: `s3` (artifacts bucket, content-addressed) or `direct`. */
  readonly functionUpload: "s3" | "direct";
  /** Name of the environment's artifacts bucket, created by the platform stack. */
  readonly artifactsBucket: string;
  /** Protect stateful resources (tables, buckets) from deletion. */
  readonly deletionProtection: boolean;
  /** Default tags applied by the AWS provider to every resource. */
  readonly tags: Readonly<Record<string, string>>;
  readonly services: ServicesConfig;
  /**
   * The site's custom domain (`<ENV>_SITE_DOMAINS`, `<ENV>_SITE_CERTIFICATE_ARN`, an ACM
   * certificate in us-east-1). @default none: the distribution's `*.cloudfront.net` name
   */
  readonly siteDomain?: { readonly names: readonly string[]; readonly certificateArn: string };
}

export interface ServicesConfig {
  readonly studentRecords: {
    readonly usagePlanThrottle: ThrottleConfig;
    readonly usagePlanQuota: QuotaConfig;
  };
  readonly todos: {
    readonly apiKeyRequired: boolean;
    readonly stageThrottle: ThrottleConfig;
  };
  readonly itemsCatalog: {
    /** Version the `prod` alias points to; `latest` means the newest published version. */
    readonly prodVersion: string;
  };
  readonly musicLibrary: {
    /** Only tables whose name starts with this prefix may be created or deleted by the API. */
    readonly tablePrefix: string;
    /** Source CIDR ranges allowed by the API's resource policy; empty means no policy. */
    readonly allowedSourceCidrs: readonly string[];
  };
  readonly imageGallery: {
    readonly maxUploadBytes: number;
    /**
     * The user pool's hosted-UI domain prefix, `<prefix>.auth.<region>.amazoncognito.com`
     * (`<ENV>_IMAGE_AUTH_DOMAIN`; unique per region across AWS).
     * @default `<prefix>cdktf-rest-platform-images`
     */
    readonly authDomainPrefix: string;
    readonly stageThrottle: ThrottleConfig;
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads `<ENV>_<KEY>` from the process environment, falling back to the default. */
class Reader {
  constructor(
    private readonly envName: string,
    private readonly vars: Env,
  ) {}

  private raw(key: string): string | undefined {
    const value = this.vars[`${this.envName.toUpperCase()}_${key}`];
    return value === undefined || value === "" ? undefined : value;
  }

  str(key: string, fallback: string): string {
    return this.raw(key) ?? fallback;
  }

  list(key: string, fallback: readonly string[]): readonly string[] {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    return value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }

  int(key: string, fallback: number): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(
        `Environment variable ${this.envName.toUpperCase()}_${key} is "${value}": expected a non-negative integer.`,
      );
    }
    return n;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
    throw new Error(
      `Environment variable ${this.envName.toUpperCase()}_${key} is "${value}": expected true or false.`,
    );
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new Error(
        `Environment variable ${this.envName.toUpperCase()}_${key} is "${value}": expected one of ${allowed.join(", ")}.`,
      );
    }
    return value as T;
  }
}

interface Defaults {
  readonly region: string;
  /** Placeholders (the AWS documentation's example accounts): set `<ENV>_ACCOUNT_ID` to deploy. */
  readonly accountId: string;
  readonly webOrigins: readonly string[];
  readonly logRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly itemsProdVersion: string;
  readonly devLikeThrottle: ThrottleConfig;
}

const DEFAULTS: Readonly<Record<string, Defaults>> = {
  dev: {
    region: "us-east-1",
    accountId: "111122223333",
    webOrigins: ["http://localhost:5173"],
    logRetentionDays: 14,
    deletionProtection: false,
    itemsProdVersion: "latest",
    devLikeThrottle: { rateLimit: 100, burstLimit: 50 },
  },
  prod: {
    region: "us-east-1",
    accountId: "444455556666",
    webOrigins: ["https://www.example.com"],
    logRetentionDays: 90,
    deletionProtection: true,
    itemsProdVersion: "latest",
    devLikeThrottle: { rateLimit: 1000, burstLimit: 500 },
  },
};

function backendFor(name: string, r: Reader, vars: Env, region: string): BackendConfig {
  const organization = vars.TF_CLOUD_ORGANIZATION ?? r.str("TF_CLOUD_ORGANIZATION", "");
  const kind = r.oneOf("BACKEND", ["s3", "cloud", "local"] as const, organization ? "cloud" : "s3");
  if (kind === "cloud") {
    if (!organization) {
      throw new Error(
        `${name.toUpperCase()}_BACKEND is "cloud" but no organization is set: export TF_CLOUD_ORGANIZATION.`,
      );
    }
    return {
      kind,
      organization,
      workspacePrefix: r.str("TF_WORKSPACE_PREFIX", ""),
      hostname: vars.TF_CLOUD_HOSTNAME ?? "app.terraform.io",
    };
  }
  if (kind === "local") return { kind };
  return {
    kind,
    bucket: r.str("STATE_BUCKET", `cdktf-rest-platform-state-${name}`),
    region: r.str("STATE_REGION", region),
  };
}

/** Builds one environment from defaults and `<ENV>_*` variables. */
export function loadEnvironment(name: string, vars: Env = process.env): Environment {
  if (!/^[a-z][a-z0-9]{0,9}$/.test(name)) {
    throw new Error(
      `Environment name "${name}" is invalid: use 1-10 lowercase letters or digits, starting with a letter.`,
    );
  }
  const d = DEFAULTS[name] ?? DEFAULTS.dev!;
  const r = new Reader(name, vars);
  const region = r.str("REGION", d.region);
  const prefix = r.str("PREFIX", `${name}-`);
  const accountId = r.str("ACCOUNT_ID", d.accountId);
  if (!/^\d{12}$/.test(accountId)) {
    throw new Error(`Environment variable ${name.toUpperCase()}_ACCOUNT_ID is "${accountId}": expected a 12-digit AWS account id.`);
  }
  const siteNames = r.list("SITE_DOMAINS", []);
  const siteCertificate = r.str("SITE_CERTIFICATE_ARN", "");
  if ((siteNames.length > 0) !== (siteCertificate !== "")) {
    throw new Error(`Set both ${name.toUpperCase()}_SITE_DOMAINS and ${name.toUpperCase()}_SITE_CERTIFICATE_ARN (an ACM certificate in us-east-1), or neither.`);
  }
  return {
    name,
    region,
    accountId,
    manageApiGatewayAccount: r.bool("MANAGE_API_GATEWAY_ACCOUNT", true),
    prefix,
    ...(siteNames.length > 0 ? { siteDomain: { names: siteNames, certificateArn: siteCertificate } } : {}),
    backend: backendFor(name, r, vars, region),
    webOrigins: r.list("WEB_ORIGINS", d.webOrigins),
    senderEmail: r.str("SENDER_EMAIL", `no-reply@${name}.example.com`),
    adminEmail: r.str("ADMIN_EMAIL", `admin@${name}.example.com`),
    alarmEmail: r.str("ALARM_EMAIL", `alarms@${name}.example.com`),
    logRetentionDays: r.int("LOG_RETENTION_DAYS", d.logRetentionDays),
    functionUpload: r.oneOf("FUNCTION_UPLOAD", ["s3", "direct"] as const, "s3"),
    artifactsBucket: r.str("ARTIFACTS_BUCKET", `${prefix}cdktf-rest-platform-artifacts`),
    deletionProtection: r.bool("DELETION_PROTECTION", d.deletionProtection),
    tags: { Project: "cdktf-rest-platform", Environment: name, ManagedBy: "cdktf" },
    services: {
      studentRecords: {
        usagePlanThrottle: {
          rateLimit: r.int("STUDENT_THROTTLE_RATE", 10),
          burstLimit: r.int("STUDENT_THROTTLE_BURST", 20),
        },
        usagePlanQuota: {
          limit: r.int("STUDENT_QUOTA_LIMIT", 1000),
          period: r.oneOf("STUDENT_QUOTA_PERIOD", ["DAY", "WEEK", "MONTH"] as const, "DAY"),
        },
      },
      todos: {
        apiKeyRequired: r.bool("TODOS_API_KEY_REQUIRED", false),
        stageThrottle: {
          rateLimit: r.int("TODOS_THROTTLE_RATE", d.devLikeThrottle.rateLimit),
          burstLimit: r.int("TODOS_THROTTLE_BURST", d.devLikeThrottle.burstLimit),
        },
      },
      itemsCatalog: {
        prodVersion: r.str("ITEMS_PROD_VERSION", d.itemsProdVersion),
      },
      musicLibrary: {
        tablePrefix: r.str("MUSIC_TABLE_PREFIX", `${prefix}Music`),
        allowedSourceCidrs: r.list("MUSIC_ALLOWED_CIDRS", []),
      },
      imageGallery: {
        maxUploadBytes: r.int("IMAGE_MAX_UPLOAD_BYTES", 5 * 1024 * 1024),
        authDomainPrefix: r.str("IMAGE_AUTH_DOMAIN", `${prefix}cdktf-rest-platform-images`),
        stageThrottle: {
          rateLimit: r.int("IMAGE_THROTTLE_RATE", d.devLikeThrottle.rateLimit),
          burstLimit: r.int("IMAGE_THROTTLE_BURST", d.devLikeThrottle.burstLimit),
        },
      },
    },
  };
}

/** The environments to synthesize, in order; the first is the local gateway's default. */
export function loadEnvironments(vars: Env = process.env): Environment[] {
  const names = (vars.ENVIRONMENTS ?? "dev,prod")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) throw new Error(`ENVIRONMENTS is empty: set it to e.g. "dev,prod".`);
  if (new Set(names).size !== names.length) {
    throw new Error(`ENVIRONMENTS is "${vars.ENVIRONMENTS}": an environment is listed twice.`);
  }
  return names.map((n) => loadEnvironment(n, vars));
}
