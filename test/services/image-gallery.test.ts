import { expect } from "chai";
import { ImageGalleryStack, IMAGE_MEDIA_TYPES, VIEW_ALL_CACHE_SECONDS } from "../../modules/services/image-gallery";
import { PropError } from "../../modules/core/errors";
import { TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from "../../modules/table";
import { build, Synth, testEnv } from "./support";

describe("image-gallery service stack", () => {
  let dev: Synth;
  let stackId: string;

  before(() => {
    const stack = build(
      (app, env, props) => new ImageGalleryStack(app, env, props),
      testEnv("dev", { DEV_IMAGE_MAX_UPLOAD_BYTES: "1048576", DEV_IMAGE_THROTTLE_RATE: "30", DEV_IMAGE_THROTTLE_BURST: "60" }),
    );
    stackId = stack.node.id;
    dev = new Synth(stack);
  });

  const bucketArn = () => dev.ref("aws_s3_bucket", "arn");
  const tableArn = () => dev.ref("aws_dynamodb_table", "arn");

  it("is the stack image-gallery-<env> with a Cognito user pool and a public app client without secret", () => {
    expect(stackId).to.equal("image-gallery-dev");
    const pool = dev.one("aws_cognito_user_pool");
    expect(pool.name).to.equal("dev-ImageGalleryUsers");
    expect(pool.username_attributes).to.deep.equal(["email"]);
    const client = dev.one("aws_cognito_user_pool_client");
    expect(client.user_pool_id).to.equal(dev.ref("aws_cognito_user_pool", "id"));
    expect(client.generate_secret).to.equal(false);
  });

  it("signs the page in through the hosted UI's code grant (PKCE on the page), never with USER_PASSWORD_AUTH", () => {
    const client = dev.one("aws_cognito_user_pool_client");
    expect(client).to.deep.include({
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_flows: ["code"],
      allowed_oauth_scopes: ["openid", "email"],
      supported_identity_providers: ["COGNITO"],
      callback_urls: ["http://localhost:5173/image-gallery/"],
      logout_urls: ["http://localhost:5173/image-gallery/"],
      explicit_auth_flows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      enable_token_revocation: true,
    });
    expect(dev.one("aws_cognito_user_pool_domain")).to.include({ domain: "dev-cdktf-rest-platform-images", user_pool_id: dev.ref("aws_cognito_user_pool", "id") });
  });

  it("refuses a hosted-UI domain prefix Cognito would refuse, naming the variable", () => {
    for (const bad of ["Dev-Images", "-images", "my-cognito-pool", "x".repeat(64)]) {
      expect(() => build((app, env, props) => new ImageGalleryStack(app, env, props), testEnv("dev", { DEV_IMAGE_AUTH_DOMAIN: bad }))).to.throw(PropError, /authDomainPrefix.*DEV_IMAGE_AUTH_DOMAIN/);
    }
  });

  it("accepts the image media types as binary", () => {
    expect(dev.one("aws_api_gateway_rest_api").binary_media_types).to.deep.equal([...IMAGE_MEDIA_TYPES]);
    expect(IMAGE_MEDIA_TYPES).to.deep.equal(["image/jpeg", "image/png", "image/gif", "image/webp"]);
  });

  it("authorizes every method with the Cognito user pool", () => {
    const authorizer = dev.one("aws_api_gateway_authorizer");
    expect(authorizer.type).to.equal("COGNITO_USER_POOLS");
    expect(authorizer.provider_arns).to.deep.equal([dev.ref("aws_cognito_user_pool", "arn")]);
    expect(authorizer.identity_source).to.equal("method.request.header.Authorization");
    const methods = dev.routeKeys().filter((k) => !k.startsWith("OPTIONS "));
    expect(methods).to.deep.equal(["GET /view-all", "POST /upload/{filename}"]);
    for (const key of methods) {
      const { method } = dev.route(key);
      expect(method.authorization, key).to.equal("COGNITO_USER_POOLS");
      expect(method.authorizer_id, key).to.equal(dev.ref("aws_api_gateway_authorizer", "id"));
    }
  });

  it("sends uploads to savePicture and listings to scan_lambda through Lambda proxy integrations", () => {
    const upload = dev.route("POST /upload/{filename}").integration;
    expect(upload.type).to.equal("AWS_PROXY");
    expect(upload.uri).to.equal(`\${aws_lambda_function.${dev.fnId("dev-savePicture")}.invoke_arn}`);
    const view = dev.route("GET /view-all").integration;
    expect(view.type).to.equal("AWS_PROXY");
    expect(view.uri).to.equal(`\${aws_lambda_function.${dev.fnId("dev-scan_lambda")}.invoke_arn}`);
    const exec = dev.ref("aws_api_gateway_rest_api", "execution_arn");
    expect(dev.find("aws_lambda_permission").map((p) => `${dev.stack.resolve(p.function_name)} ${p.source_arn}`).sort()).to.deep.equal([
      `dev-savePicture ${exec}/*/POST/upload/*`,
      `dev-scan_lambda ${exec}/*/GET/view-all`,
    ]);
  });

  it("caches GET /view-all briefly, keyed on everything the answer depends on: token, Origin (CORS) and page", () => {
    const { integration } = dev.route("GET /view-all");
    expect([...integration.cache_key_parameters].sort()).to.deep.equal([
      "method.request.header.Authorization",
      "method.request.header.Origin",
      "method.request.querystring.limit",
      "method.request.querystring.nextToken",
    ]);
    const stage = dev.one("aws_api_gateway_stage");
    expect(stage.cache_cluster_enabled).to.equal(true);
    const settings = Object.fromEntries(dev.find("aws_api_gateway_method_settings").map((m) => [m.method_path, m.settings]));
    expect(Object.keys(settings).sort()).to.deep.equal(["*/*", "~1view-all/GET"]);
    expect(settings["~1view-all/GET"]).to.include({ caching_enabled: true, cache_ttl_in_seconds: VIEW_ALL_CACHE_SECONDS, cache_data_encrypted: true });
    expect(VIEW_ALL_CACHE_SECONDS).to.be.at.most(60);
    expect(settings["*/*"].caching_enabled).to.equal(false);
    expect(dev.route("POST /upload/{filename}").integration.cache_key_parameters).to.equal(undefined);
  });

  it("traces the stage with X-Ray and throttles it from the configuration", () => {
    const stage = dev.one("aws_api_gateway_stage");
    expect(stage.stage_name).to.equal("prod");
    expect(stage.xray_tracing_enabled).to.equal(true);
    const all = dev.one("aws_api_gateway_method_settings", (m) => m.method_path === "*/*").settings;
    expect(all).to.include({ throttling_rate_limit: 30, throttling_burst_limit: 60 });
    for (const fn of ["dev-savePicture", "dev-scan_lambda"]) {
      expect(dev.fn(fn).tracing_config, fn).to.deep.equal({ mode: "Active" });
    }
  });

  it("keeps picture metadata in a table keyed by owner and filename", () => {
    const table = dev.one("aws_dynamodb_table");
    expect(table.hash_key).to.equal("owner");
    expect(table.range_key).to.equal("filename");
  });

  it("lets savePicture put objects in the images bucket and write metadata, nothing more", () => {
    expect(dev.grants("savePicture")).to.deep.equal([
      { actions: ["s3:AbortMultipartUpload", "s3:PutObject"], resources: [`${bucketArn()}/*`] },
      { actions: [...TABLE_WRITE_ACTIONS].sort(), resources: [tableArn()] },
    ]);
  });

  it("lets scan_lambda read objects (for presigned URLs) and read metadata, nothing more", () => {
    expect(dev.grants("scan_lambda")).to.deep.equal([
      { actions: ["s3:GetObject"], resources: [`${bucketArn()}/*`] },
      { actions: [...TABLE_READ_ACTIONS].sort(), resources: [tableArn()] },
    ]);
  });

  it("passes each function the environment variables its handler reads", () => {
    const common = {
      ALLOWED_ORIGINS: "http://localhost:5173",
      BUCKET_NAME: dev.ref("aws_s3_bucket", "bucket"),
      TABLE_NAME: dev.ref("aws_dynamodb_table", "name"),
    };
    expect(dev.fn("dev-savePicture").environment.variables).to.deep.equal({ ...common, MAX_UPLOAD_BYTES: "1048576" });
    expect(dev.fn("dev-scan_lambda").environment.variables).to.deep.equal(common);
  });

  it("logs S3 server access for the images bucket to the platform's access-log bucket", () => {
    const logging = dev.one("aws_s3_bucket_logging");
    expect(logging.bucket).to.equal(dev.ref("aws_s3_bucket", "bucket"));
    expect(logging.target_bucket).to.equal("dev-cdktf-rest-platform-artifacts-access-logs");
    expect(logging.target_prefix).to.equal("image-gallery-dev/images/");
  });

  it("passes the policy rules with no error finding and no suppression", () => {
    expect(dev.policyErrors()).to.deep.equal([]);
    expect(dev.suppressions()).to.deep.equal([]);
  });

  it("answers CORS preflights for the web origin on both resources", () => {
    for (const key of ["OPTIONS /upload/{filename}", "OPTIONS /view-all"]) {
      const r = dev.route(key);
      expect(r.method.authorization, key).to.equal("NONE");
      expect(r.integrationResponses[0].response_parameters["method.response.header.Access-Control-Allow-Origin"], key).to.equal(
        "'http://localhost:5173'",
      );
    }
  });
});
