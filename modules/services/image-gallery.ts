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
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { Bucket } from "../bucket";
import type { Environment } from "../config/environments";
import { ServiceStack, type ServiceStackProps } from "../core/service-stack";
import { NodejsFunction } from "../nodejs-function";
import { lambdaProxy, RestApi } from "../rest-api";
import { Table } from "../table";
import { platformRefs } from "./platform";

export const IMAGE_GALLERY = "image-gallery";
export const IMAGE_MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
/** Seconds GET /view-all responses are cached (presigned URLs live longer than this). */
export const VIEW_ALL_CACHE_SECONDS = 60;

export class ImageGalleryStack extends ServiceStack {
  readonly userPool: CognitoUserPool;
  readonly userPoolClient: CognitoUserPoolClient;
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
    this.userPoolClient = new CognitoUserPoolClient(this, "UserPoolClient", {
      name: this.physicalName("ImageGalleryWeb"),
      userPoolId: this.userPool.id,
      generateSecret: false,
      // The web page (web/image-gallery) signs in with USER_PASSWORD_AUTH over TLS and
      // refreshes with REFRESH_TOKEN_AUTH; SRP stays allowed for SDK clients.
      explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      preventUserExistenceErrors: "ENABLED",
    });
    new TerraformOutput(this, "user_pool_id", { value: this.userPool.id });
    new TerraformOutput(this, "user_pool_client_id", { value: this.userPoolClient.id });

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
