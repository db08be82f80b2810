/**
 * The attributes Terraform knows only after an apply (ids, ARNs, versions, invoke URLs, API
 * key values), synthesized locally and deterministically: the gateway's plug-in to the
 * Terraform JSON library's resolver. Stage invoke URLs point at the local gateway.
 */
import { createHash } from "node:crypto";
import type { ComputedAttributes, Json, Resolver, TfResource } from "../../../modules/tfjson";

export const ACCOUNT_ID = "123456789012";
export const DEFAULT_REGION = "us-east-1";

/** Short deterministic id: lower-case letters and digits. */
export function fakeId(seed: string, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = createHash("sha256").update(seed).digest();
  let out = "";
  for (let i = 0; i < length; i += 1) out += alphabet[bytes[i % bytes.length]! % alphabet.length];
  return out;
}

/** A deterministic API key value (API Gateway generates 40 characters). */
function fakeKeyValue(seed: string): string {
  return createHash("sha256").update(`api-key:${seed}`).digest("base64url").replace(/[-_]/g, "x").slice(0, 40);
}

/** The region a resource is created in: its stack's provider region, else the default. */
export function regionOf(resolver: Resolver, r: TfResource): string {
  return resolver.stack(r.stack).region ?? DEFAULT_REGION;
}

/** Computed attributes as the local gateway fakes them; `gatewayUrl` is `http://127.0.0.1:<port>`. */
export function localComputed(gatewayUrl: string): ComputedAttributes {
  return (r, attr, resolver) => computed(resolver, r, attr, gatewayUrl);
}

function computed(resolver: Resolver, r: TfResource, attr: string, gatewayUrl: string): Json | undefined {
  const c = r.attrs;
  const seed = `${r.stack}/${r.address}`;
  const region = regionOf(resolver, r);
  const s = (key: string) => resolver.str(r, key);
  if (r.kind === "data") return dataSource(r.type, attr, region);
  switch (r.type) {
    case "aws_api_gateway_rest_api": {
      const id = fakeId(seed, 10);
      if (attr === "id") return id;
      if (attr === "root_resource_id") return fakeId(`${seed}/root`, 10);
      if (attr === "execution_arn") return `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${id}`;
      if (attr === "arn") return `arn:aws:apigateway:${region}::/restapis/${id}`;
      return undefined;
    }
    case "aws_api_gateway_resource":
      if (attr === "id") return fakeId(seed, 6);
      return undefined;
    case "aws_api_gateway_stage": {
      const apiId = s("rest_api_id");
      const stage = s("stage_name");
      if (attr === "id") return `ags-${apiId}-${stage}`;
      if (attr === "invoke_url") return `${gatewayUrl}/${r.stack}/${stage}`;
      if (attr === "execution_arn") return `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${apiId}/${stage}`;
      if (attr === "arn") return `arn:aws:apigateway:${region}::/restapis/${apiId}/stages/${stage}`;
      return undefined;
    }
    case "aws_api_gateway_deployment":
      if (attr === "id") return fakeId(seed, 6);
      if (attr === "invoke_url") return `${gatewayUrl}/${r.stack}/`;
      if (attr === "execution_arn") return `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${s("rest_api_id")}/`;
      return undefined;
    case "aws_api_gateway_api_key":
      if (attr === "id") return fakeId(seed, 10);
      if (attr === "value") return c.value === undefined ? fakeKeyValue(seed) : undefined;
      if (attr === "arn") return `arn:aws:apigateway:${region}::/apikeys/${fakeId(seed, 10)}`;
      return undefined;
    case "aws_api_gateway_authorizer":
    case "aws_api_gateway_model":
    case "aws_api_gateway_request_validator":
    case "aws_api_gateway_usage_plan":
      if (attr === "id") return fakeId(seed, 6);
      if (attr === "arn") return `arn:aws:apigateway:${region}::/${r.type.replace("aws_api_gateway_", "")}s/${fakeId(seed, 6)}`;
      return undefined;
    case "aws_lambda_function": {
      const name = s("function_name");
      const arn = `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}`;
      const version = c.publish === true || c.publish === "true" ? "1" : "$LATEST";
      if (attr === "id") return name;
      if (attr === "arn") return arn;
      if (attr === "invoke_arn") return lambdaInvokeArn(region, arn);
      if (attr === "version") return version;
      if (attr === "qualified_arn") return `${arn}:${version}`;
      if (attr === "qualified_invoke_arn") return lambdaInvokeArn(region, `${arn}:${version}`);
      return undefined;
    }
    case "aws_lambda_alias": {
      const fnName = s("function_name") ?? "";
      const fnArn = fnName.startsWith("arn:") ? fnName : `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${fnName}`;
      const arn = `${fnArn}:${s("name")}`;
      if (attr === "arn" || attr === "id") return arn;
      if (attr === "invoke_arn") return lambdaInvokeArn(region, arn);
      return undefined;
    }
    case "aws_lambda_permission":
      if (attr === "id") return s("statement_id") ?? fakeId(seed, 8);
      return undefined;
    case "aws_dynamodb_table":
      if (attr === "id") return s("name");
      if (attr === "arn") return `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${s("name")}`;
      if (attr === "stream_arn") return `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${s("name")}/stream/1970-01-01T00:00:00.000`;
      return undefined;
    case "aws_s3_bucket": {
      if (attr === "bucket" && c.bucket === undefined) return `${(c.bucket_prefix as string | undefined) ?? "bucket-"}${fakeId(seed, 12)}`;
      const bucket = s("bucket");
      if (attr === "id") return bucket;
      if (attr === "arn") return `arn:aws:s3:::${bucket}`;
      if (attr === "bucket_domain_name") return `${bucket}.s3.amazonaws.com`;
      if (attr === "bucket_regional_domain_name") return `${bucket}.s3.${region}.amazonaws.com`;
      if (attr === "region") return region;
      return undefined;
    }
    case "aws_ses_email_identity":
      if (attr === "id") return s("email");
      if (attr === "arn") return `arn:aws:ses:${region}:${ACCOUNT_ID}:identity/${s("email")}`;
      return undefined;
    case "aws_ses_domain_identity":
      if (attr === "id") return s("domain");
      if (attr === "arn") return `arn:aws:ses:${region}:${ACCOUNT_ID}:identity/${s("domain")}`;
      return undefined;
    case "aws_cognito_user_pool": {
      const id = `${region}_${fakeId(seed, 9)}`;
      if (attr === "id") return id;
      if (attr === "arn") return `arn:aws:cognito-idp:${region}:${ACCOUNT_ID}:userpool/${id}`;
      if (attr === "endpoint") return `cognito-idp.${region}.amazonaws.com/${id}`;
      return undefined;
    }
    case "aws_cloudfront_distribution":
      // the site's origin as the services' CORS allow-lists read it from the web-edge stack
      if (attr === "domain_name") return `d${fakeId(seed, 13)}.cloudfront.net`;
      if (attr === "arn") return `arn:aws:cloudfront::${ACCOUNT_ID}:distribution/${fakeId(seed, 14).toUpperCase()}`;
      return undefined;
    case "aws_cognito_user_pool_client":
      if (attr === "id") return fakeId(seed, 26);
      return undefined;
    case "aws_iam_role":
    case "aws_iam_policy":
      if (attr === "arn") return `arn:aws:iam::${ACCOUNT_ID}:${r.type === "aws_iam_role" ? "role" : "policy"}/${s("name") ?? r.name}`;
      if (attr === "id" || attr === "name") return c.name === undefined ? r.name : undefined;
      return undefined;
    case "aws_cloudwatch_log_group":
      if (attr === "arn") return `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${s("name")}`;
      if (attr === "id") return s("name");
      return undefined;
    case "aws_sns_topic":
      if (attr === "arn" || attr === "id") return `arn:aws:sns:${region}:${ACCOUNT_ID}:${s("name") ?? r.name}`;
      return undefined;
    default:
      if (attr === "id") return c.id === undefined ? fakeId(seed, 10) : undefined;
      if (attr === "arn") return c.arn === undefined ? `arn:aws:${r.type.replace(/^aws_/, "")}:${region}:${ACCOUNT_ID}:${r.name}` : undefined;
      return undefined;
  }
}

/** The account, region and partition data sources. */
function dataSource(type: string, attr: string, region: string): Json | undefined {
  if (type === "aws_caller_identity") return attr === "account_id" ? ACCOUNT_ID : attr === "arn" ? `arn:aws:iam::${ACCOUNT_ID}:root` : undefined;
  if (type === "aws_region") return attr === "name" || attr === "region" || attr === "id" ? region : undefined;
  if (type === "aws_partition") return attr === "partition" ? "aws" : attr === "dns_suffix" ? "amazonaws.com" : undefined;
  return undefined;
}

export function lambdaInvokeArn(region: string, functionArn: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

