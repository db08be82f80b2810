/**
 * image-gallery (image-upload-api.md): users sign in with Cognito, upload images and list
 * their own pictures.
 *
 * | route                     | auth                          | integration (proxy) | cache                              |
 * |---------------------------|-------------------------------|---------------------|------------------------------------|
 * | POST /upload/{filename}   | Cognito (ImageGalleryUsers)   | savePicture         | -                                  |
 * | GET /view-all             | Cognito (ImageGalleryUsers)   | scan_lambda         | 60 s, keyed on the Authorization and Origin headers |
 *
 * Binary media types image/jpeg, image/png, image/gif, image/webp; stage `prod` with X-Ray,
 * throttling from env.services.imageGallery.stageThrottle; CORS for env.webOrigins.
 * Images live under `<caller sub>/<filename>` in the images bucket: the caller is known
 * only at run time, so savePicture may put anywhere in the bucket and the handler builds
 * the key from the verified `claims.sub` (IAM cannot scope a Lambda role per caller).
 */
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { CognitoUserPoolDomain } from "@cdktf/provider-aws/lib/cognito-user-pool-domain";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { Bucket } from "../bucket";
import type { Environment } from "../config/environments";
import { PropError } from "../core/errors";
import { ServiceStack, type ServiceStackProps } from "../core/service-stack";
import { NodejsFunction } from "../nodejs-function";
import { lambdaProxy, RestApi } from "../rest-api";
import { Table } from "../table";
import { platformRefs } from "./platform";

export const IMAGE_GALLERY = "image-gallery";
export const IMAGE_MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
/** Where the page lives on the site: the app client's callback and sign-out URL under each web origin. */
export const IMAGE_GALLERY_PAGE_PATH = "/image-gallery/";
/** What the page asks the hosted UI for: an ID token with the email claim. */
export const OAUTH_SCOPES = ["openid", "email"] as const;

/**
 * A hosted-UI domain prefix as Cognito accepts it: lowercase letters, digits and hyphens,
 * 1-63, not starting or ending with a hyphen, without the reserved words aws, amazon, cognito.
 */
export function authDomainProblem(prefix: string): string | undefined {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix)) return "use 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen";
  if (/aws|amazon|cognito/.test(prefix)) return "leave out the reserved words aws, amazon and cognito";
  return undefined;
}

/** The hosted UI's base URL of an environment, `https://<prefix>.auth.<region>.amazoncognito.com`: known before any apply. */
export function authDomainUrl(env: Environment): string {
  return `https://${env.services.imageGallery.authDomainPrefix}.auth.${env.region}.amazoncognito.com`;
}

/** Seconds GET /view-all responses are cached (presigned URLs live longer than this). */
export const VIEW_ALL_CACHE_SECONDS = 60;

export class ImageGalleryStack extends ServiceStack {
  readonly userPool: CognitoUserPool;
  readonly userPoolClient: CognitoUserPoolClient;
  readonly userPoolDomain: CognitoUserPoolDomain;
  /** The hosted UI's base URL, `https://<prefix>.auth.<region>.amazoncognito.com` (no trailing slash). */
  readonly authDomainUrl: string;
  readonly images: Bucket;
  readonly table: Table;
  readonly savePicture: NodejsFunction;
  readonly scan: NodejsFunction;
  readonly api: RestApi;

  constructor(scope: Construct, env: Environment, props: ServiceStackProps = {}) {
    super(scope, `${IMAGE_GALLERY}-${env.name}`, env, props);
    const config = env.services.imageGallery;
    const origins = env.webOrigins.join(",");

    this.userPool = new CognitoUserPool(this, "UserPool", {
      name: this.physicalName("ImageGalleryUsers"),
      usernameAttributes: ["email"],
      autoVerifiedAttributes: ["email"],
      passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: false },
      deletionProtection: env.deletionProtection ? "ACTIVE" : "INACTIVE",
    });
    const domainProblem = authDomainProblem(config.authDomainPrefix);
    if (domainProblem) throw new PropError(this, "services.imageGallery.authDomainPrefix", config.authDomainPrefix, `${domainProblem} (set ${env.name.toUpperCase()}_IMAGE_AUTH_DOMAIN)`);
    this.userPoolDomain = new CognitoUserPoolDomain(this, "UserPoolDomain", { domain: config.authDomainPrefix, userPoolId: this.userPool.id });
    this.authDomainUrl = authDomainUrl(env);
    const pageUrls = env.webOrigins.map((origin) => `${origin.replace(/\/+$/, "")}${IMAGE_GALLERY_PAGE_PATH}`);
    this.userPoolClient = new CognitoUserPoolClient(this, "UserPoolClient", {
      name: this.physicalName("ImageGalleryWeb"),
      userPoolId: this.userPool.id,
      // A public client (the page cannot keep a secret): the hosted UI's authorization-code
      // grant with PKCE, so the password is typed only into Cognito's own page and never
      // passes through the site; the page redeems the code with its code_verifier and
      // refreshes at the token endpoint. No USER_PASSWORD_AUTH: SRP stays for SDK clients.
      generateSecret: false,
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ["code"],
      allowedOauthScopes: [...OAUTH_SCOPES],
      supportedIdentityProviders: ["COGNITO"],
      callbackUrls: pageUrls,
      logoutUrls: pageUrls,
      explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      preventUserExistenceErrors: "ENABLED",
      enableTokenRevocation: true,
    });
    new TerraformOutput(this, "user_pool_id", { value: this.userPool.id });
    new TerraformOutput(this, "user_pool_client_id", { value: this.userPoolClient.id });
    new TerraformOutput(this, "auth_domain_url", { value: this.authDomainUrl });

    this.images = new Bucket(this, "Images", {
      serverAccessLogs: { bucket: platformRefs(env).accessLogsBucket, prefix: `${this.node.id}/images/` },
    });
    this.table = new Table(this, "PictureMetadata", {
      partitionKey: { name: "owner", type: "S" },
      sortKey: { name: "filename", type: "S" },
    });

    this.savePicture = new NodejsFunction(this, "savePicture", {
      entry: "functions/save-picture/index.ts",
      description: "POST /upload/{filename}: an image under the caller's prefix, and its metadata",
      environment: {
        BUCKET_NAME: this.images.bucketName,
        TABLE_NAME: this.table.tableName,
        MAX_UPLOAD_BYTES: String(config.maxUploadBytes),
        ALLOWED_ORIGINS: origins,
      },
    });
    this.images.grantPut(this.savePicture);
    this.table.grantWriteData(this.savePicture);

    this.scan = new NodejsFunction(this, "scan_lambda", {
      entry: "functions/scan-lambda/index.ts",
      description: "GET /view-all: the caller's pictures with presigned URLs",
      environment: { BUCKET_NAME: this.images.bucketName, TABLE_NAME: this.table.tableName, ALLOWED_ORIGINS: origins },
    });
    this.images.grantRead(this.scan);
    this.table.grantReadData(this.scan);

    const api = new RestApi(this, "ImageAPI", {
      description: "Image upload and gallery API",
      cors: { allowOrigins: env.webOrigins },
      binaryMediaTypes: [...IMAGE_MEDIA_TYPES],
      stages: { prod: { throttle: config.stageThrottle, tracing: true, loggingLevel: "ERROR" } },
    });
    this.api = api;
    const authorizer = api.addAuthorizer("CognitoAuthorizer", { type: "COGNITO_USER_POOLS", userPoolArns: [this.userPool.arn] });

    api.addRoute("POST /upload/{filename}", { integration: lambdaProxy(this.savePicture), authorizer });
    api.addRoute("GET /view-all", {
      integration: lambdaProxy(this.scan),
      authorizer,
      cache: { ttl: VIEW_ALL_CACHE_SECONDS },
      // Everything the answer depends on is in the cache key: every user sees only their own
      // pictures (the token), a page (limit, nextToken), and CORS. scan_lambda echoes the
      // request's Origin when it is an allowed one, so Origin is a key too: a request without
      // it (curl, a health check) must not fill the cache with an answer that lacks
      // Access-Control-Allow-Origin for the web page. Keying on Origin rather than sending a
      // fixed header keeps several allowed origins working (one value per origin, `Vary: Origin`)
      // and never needs `*`; it costs one cache entry per user and origin, for 60 s.
      cacheKey: ["header.Authorization", "header.Origin", "querystring.limit", "querystring.nextToken"],
    });

  }
}
