/**
 * The environment's site stacks, from two real synths of main.ts: web-edge-<env>
 * (modules/services/web-edge.ts on modules/static-site: OAC and a bucket readable only by the
 * distribution, the security headers, HTTPS redirect, logging), applied before the services,
 * whose CORS allow-lists read its distribution's domain; and web-<env> (web-site.ts: hashed
 * immutable assets, documents with the exact CSP, config.json built from references),
 * applied after them. The policy rules clean, and a second synth changing no object.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { evaluate } from "../../modules/policy";
import { buildSite } from "../../web/build";
import { TfStack } from "../../modules/tfjson";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..", "..");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tf = any;

interface Synthesized {
  /** web-dev: the files */
  text: string;
  doc: Tf;
  /** web-edge-dev: the distribution */
  edgeText: string;
  edge: Tf;
  stack(id: string): Tf;
}

async function synth(dir: string): Promise<Synthesized> {
  await run(process.execPath, ["--import", "tsx", "main.ts"], { cwd: root, env: { ...process.env, CDKTF_OUTDIR: dir, CHECKPOINT_DISABLE: "1", ENVIRONMENTS: "dev" }, maxBuffer: 64 << 20 });
  const read = (id: string) => readFileSync(path.join(dir, "stacks", id, "cdk.tf.json"), "utf8");
  const text = read("web-dev");
  const edgeText = read("web-edge-dev");
  return { text, doc: JSON.parse(text), edgeText, edge: JSON.parse(edgeText), stack: (id) => JSON.parse(read(id)) };
}

const META_CSP = /\n {4}<meta http-equiv="Content-Security-Policy" content="([^"]*)">/;

const only = (doc: Tf, type: string): Tf => {
  const all = new TfStack(doc).ofType(type);
  expect(all, type).to.have.length(1);
  return all[0]!.attrs;
};
const address = (doc: Tf, type: string) => new TfStack(doc).ofType(type)[0]!.address;
/** A literal file's content as S3 receives it (Terraform's `$${` and `%%{` escapes undone). */
const unescape = (s: string) => s.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");

describe("web site stack (synthesized)", function () {
  let tmp: string;
  let first: Synthesized;
  let second: Synthesized;

  before(async function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), "site-"));
    first = await synth(path.join(tmp, "a"));
    second = await synth(path.join(tmp, "b"));
  });

  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  it("serves a private bucket only through the distribution's origin access control", function () {
    const doc = first.edge;
    const pab = only(doc, "aws_s3_bucket_public_access_block");
    expect(pab).to.include({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(doc.resource.aws_cloudfront_origin_access_identity).to.equal(undefined);
    const oac = only(doc, "aws_cloudfront_origin_access_control");
    expect(oac).to.include({ origin_access_control_origin_type: "s3", signing_behavior: "always", signing_protocol: "sigv4" });
    const dist = only(doc, "aws_cloudfront_distribution");
    expect(dist.origin).to.have.length(1);
    expect(dist.origin[0].origin_access_control_id).to.equal(`\${${address(doc, "aws_cloudfront_origin_access_control")}.id}`);
    expect(dist.origin[0].domain_name).to.equal(`\${${address(doc, "aws_s3_bucket")}.bucket_regional_domain_name}`);
    const statements = JSON.parse(only(doc, "aws_s3_bucket_policy").policy).Statement;
    const read = statements.filter((s: Tf) => s.Effect === "Allow");
    expect(read).to.deep.equal([
      {
        Sid: "AllowCloudFrontOriginAccessControl",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `\${${address(doc, "aws_s3_bucket")}.arn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": `\${${address(doc, "aws_cloudfront_distribution")}.arn}` } },
      },
    ]);
  });

  it("redirects to HTTPS, speaks HTTP/2 and HTTP/3, compresses, and answers / with index.html", function () {
    const dist = only(first.edge, "aws_cloudfront_distribution");
    expect(dist).to.include({ http_version: "http2and3", default_root_object: "index.html", enabled: true });
    expect(dist.default_cache_behavior).to.include({ viewer_protocol_policy: "redirect-to-https", compress: true });
    expect(dist.viewer_certificate.minimum_protocol_version).to.equal("TLSv1.2_2021");
    expect(dist.default_cache_behavior.function_association[0].event_type).to.equal("viewer-request");
  });

  it("adds a CSP bounded by the region (nothing from a service), HSTS, nosniff, Referrer-Policy and no framing", function () {
    const policy = only(first.edge, "aws_cloudfront_response_headers_policy");
    const h = policy.security_headers_config;
    const csp: string = h.content_security_policy.content_security_policy;
    expect(csp).to.include("default-src 'none'").and.include("script-src 'self'").and.include("frame-ancestors 'none'").and.not.include("unsafe");
    expect(/connect-src ([^;]+)/.exec(csp)![1]!.split(" ")).to.deep.equal(["'self'", "https://*.execute-api.us-east-1.amazonaws.com", "https://dev-cdktf-rest-platform-images.auth.us-east-1.amazoncognito.com"]);
    expect(/img-src ([^;]+)/.exec(csp)![1]!.split(" ")).to.deep.equal(["'self'", "blob:", "https://*.s3.us-east-1.amazonaws.com"]);
    expect(/style-src ([^;]+)/.exec(csp)![1]!.split(" "), "the documents' <style> elements, by hash").to.deep.equal(["'self'", ...buildSite().styleHashes]);
    expect(first.edgeText, "the edge stack reads no other stack").not.to.include("terraform_remote_state");
    expect(h.strict_transport_security).to.include({ access_control_max_age_sec: 63072000, include_subdomains: true, override: true });
    expect(h.content_type_options.override).to.equal(true);
    expect(h.referrer_policy.referrer_policy).to.equal("strict-origin-when-cross-origin");
    expect(h.frame_options.frame_option).to.equal("DENY");
    expect(only(first.edge, "aws_cloudfront_distribution").default_cache_behavior.response_headers_policy_id).to.equal(`\${${address(first.edge, "aws_cloudfront_response_headers_policy")}.id}`);
  });

  it("puts the exact CSP in every document: connect-src the stages' invoke URLs and the hosted UI, img-src the image bucket", function () {
    const documents = (Object.values(first.doc.resource.aws_s3_object) as Tf[]).filter((o) => o.key.endsWith(".html"));
    expect(documents).to.have.length(6);
    const policies = new Set(documents.map((o) => META_CSP.exec(o.content)?.[1]));
    expect(policies.size, "one policy, first in every <head>").to.equal(1);
    const csp = [...policies][0]!;
    expect(csp).to.include("default-src 'none'").and.include("script-src 'self'").and.not.include("frame-ancestors").and.not.include("unsafe");
    const connect = /connect-src ([^;]+)/.exec(csp)![1]!.split(" ");
    expect(connect[0]).to.equal("'self'");
    expect(connect).to.include("https://dev-cdktf-rest-platform-images.auth.us-east-1.amazoncognito.com");
    expect(connect, "the page never calls the user-pool API").not.to.include("https://cognito-idp.us-east-1.amazonaws.com");
    const stages = connect.filter((c) => c.includes("invoke_url"));
    expect(stages, "one per API stage: student prod, todos prod, items dev+prod, music Test, images prod").to.have.length(6);
    expect(connect).to.have.length(8);
    expect(/style-src ([^;]+)/.exec(csp)![1]!.split(" ")).to.deep.equal(["'self'", ...buildSite().styleHashes]);
    expect(/img-src ([^;]+)/.exec(csp)![1]).to.match(/^'self' blob: https:\/\/\$\{data\.terraform_remote_state\.cross-stack-reference-input-image-gallery-dev\.outputs\.[^}]+bucket_regional_domain_name\}$/);
  });

  it("lets the services' CORS allow-lists and the image gallery's callback URLs read the distribution's origin from web-edge-dev (no second pass)", function () {
    const edgeOrigin = /^https:\/\/\$\{data\.terraform_remote_state\.cross-stack-reference-input-web-edge-dev\.outputs\.[^}]+domain_name\}$/;
    const todos = first.stack("todos-dev");
    const fn = Object.values(todos.resource.aws_lambda_function as Record<string, Tf>)[0]!;
    const [local, site, ...rest] = String(fn.environment.variables.ALLOWED_ORIGINS).split(",");
    expect([local, rest]).to.deep.equal(["http://localhost:5173", []]);
    expect(site).to.match(edgeOrigin);
    const templates = JSON.stringify(todos.resource.aws_api_gateway_integration_response);
    expect(templates, "the preflight echoes the site's origin too").to.include("cross-stack-reference-input-web-edge-dev");
    const client = only(first.stack("image-gallery-dev"), "aws_cognito_user_pool_client");
    expect(client.callback_urls[0]).to.equal("http://localhost:5173/image-gallery/");
    expect(client.callback_urls[1].replace(/\/image-gallery\/$/, "")).to.match(edgeOrigin);
    expect(client.logout_urls).to.deep.equal(client.callback_urls);
  });

  it("delivers the distribution's access logs to the platform's access-log bucket", function () {
    const source = only(first.edge, "aws_cloudwatch_log_delivery_source");
    expect(source).to.include({ log_type: "ACCESS_LOGS", resource_arn: `\${${address(first.edge, "aws_cloudfront_distribution")}.arn}`, region: "us-east-1" });
    const destination = only(first.edge, "aws_cloudwatch_log_delivery_destination");
    expect(destination.delivery_destination_configuration[0].destination_resource_arn).to.equal("arn:aws:s3:::dev-cdktf-rest-platform-artifacts-access-logs/web-dev/cloudfront");
    expect(only(first.edge, "aws_cloudwatch_log_delivery").delivery_source_name).to.equal(`\${${address(first.edge, "aws_cloudwatch_log_delivery_source")}.name}`);
  });

  it("uploads every built file with its Content-Type: hashed assets immutable, documents no-cache, bytes as built", function () {
    const objects = Object.values(first.doc.resource.aws_s3_object) as Tf[];
    const site = buildSite();
    expect(objects.map((o) => o.key).sort()).to.deep.equal([...site.files.map((f) => f.path), "config.json"].sort());
    for (const f of site.files) {
      const o = objects.find((x) => x.key === f.path)!;
      expect(o.content_type, f.path).to.equal(f.contentType);
      expect(o.cache_control, f.path).to.equal(f.cacheControl);
      // documents as built, with the CSP element first in <head>
      const uploaded = f.path.endsWith(".html") ? unescape(o.content.replace(META_CSP, "")) : unescape(o.content);
      expect(Buffer.from(uploaded, "utf8").equals(f.body), `${f.path}: the uploaded bytes are the built bytes`).to.equal(true);
      expect(o.bucket).to.match(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-web-edge-dev\.outputs\.[^}]+bucket\}$/);
    }
    const assets = objects.filter((o) => o.key.startsWith("assets/"));
    expect(assets.length, "five scripts (the stylesheets are inline in the documents)").to.equal(5);
    for (const a of assets) {
      expect(a.key).to.match(/^assets\/[a-z-]+-[A-Z0-9]{8}\.js$/);
      expect(a.cache_control).to.equal("public, max-age=31536000, immutable");
    }
    for (const o of objects.filter((x) => x.key.endsWith(".html") || x.key === "config.json")) expect(o.cache_control, o.key).to.equal("no-cache");
  });

  it("writes config.json from references: every stage's invoke URL, the user pool, its app client and the region", function () {
    const config = (Object.values(first.doc.resource.aws_s3_object) as Tf[]).find((o) => o.key === "config.json")!;
    const doc = JSON.parse(config.content);
    expect(Object.keys(doc.apis).sort()).to.deep.equal(["image-gallery", "items-catalog", "music-library", "student-records", "todos"]);
    expect(Object.keys(doc.apis["items-catalog"]).sort()).to.deep.equal(["dev", "prod"]);
    for (const stages of Object.values(doc.apis) as Record<string, string>[]) {
      for (const url of Object.values(stages)) expect(url).to.match(/^\$\{data\.terraform_remote_state\.[^}]+invoke_url\}$/);
    }
    expect(doc.cognito.userPoolId).to.match(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-image-gallery-dev\.outputs\.[^}]+\}$/);
    expect(doc.cognito.clientId).to.match(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-image-gallery-dev\.outputs\.[^}]+\}$/);
    expect(doc.cognito.domain).to.equal("https://dev-cdktf-rest-platform-images.auth.us-east-1.amazoncognito.com");
    expect(doc).to.include({ environment: "dev", region: "us-east-1" });
  });

  it("passes every policy rule", function () {
    expect(evaluate(first.edge).findings).to.deep.equal([]);
    expect(evaluate(first.doc).findings).to.deep.equal([]);
  });

  it("is byte-stable: a second synth of unchanged web/ sources changes no object", function () {
    expect(second.text).to.equal(first.text);
    expect(second.edgeText).to.equal(first.edgeText);
  });
});
