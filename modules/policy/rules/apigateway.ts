import type { Rule, Violation } from "../types";
import { apiGateway, block, isToken, parseRef, refersTo, type TfResource, type TfStack } from "../../tfjson";

/** The method settings of a stage, by method path (`*\/*`, `items~1{ID}/GET`). */
function methodSettingsOf(stack: TfStack, stage: TfResource): Map<string, Record<string, unknown>> {
  const view = apiGateway(stack).stageOf(stage);
  return new Map([...(view?.methodSettings ?? [])].map(([path, ms]) => [path, ms.settings]));
}

/** Usage plans that cover the stage. */
function usagePlansOf(stack: TfStack, stage: TfResource): TfResource[] {
  return (apiGateway(stack).stageOf(stage)?.usagePlans ?? []).map((p) => p.resource);
}

const num = (v: unknown): boolean => typeof v === "number" || (typeof v === "string" && v !== "" && !isNaN(Number(v)));

const stageName = (r: TfResource) => String(r.attrs.stage_name ?? r.name);

export const apiGatewayRules: readonly Rule[] = [
  {
    id: "APIG1",
    severity: "error",
    title: "Every API Gateway stage writes access logs",
    appliesTo: ["aws_api_gateway_stage"],
    check(r) {
      const s = block(r.attrs.access_log_settings);
      if (s?.destination_arn && s.format) return [];
      return [
        {
          message: `stage "${stageName(r)}" has no access log settings (destination and format)`,
          fix: "set access_log_settings with a CloudWatch log group ARN and a JSON format",
        },
      ];
    },
  },
  {
    id: "APIG2",
    severity: "error",
    title: "Methods with a request model validate the request body",
    appliesTo: ["aws_api_gateway_method"],
    check(r, stack) {
      const models = r.attrs.request_models as Record<string, unknown> | undefined;
      if (!models || Object.keys(models).length === 0) return [];
      const fix = "attach an aws_api_gateway_request_validator with validate_request_body = true (request_validator_id)";
      const validatorId = r.attrs.request_validator_id;
      if (!validatorId) {
        return [{ message: `${String(r.attrs.http_method)} has a request model but no request validator`, fix }];
      }
      const ref = parseRef(validatorId);
      const validator = ref ? stack.at(ref.address) : undefined;
      if (validator && validator.attrs.validate_request_body !== true) {
        return [{ message: `${String(r.attrs.http_method)} has a request model but its validator (${validator.address}) does not validate the body`, fix }];
      }
      return [];
    },
  },
  {
    id: "APIG3",
    severity: "error",
    title: "Every non-OPTIONS method has an authorizer or requires an API key",
    appliesTo: ["aws_api_gateway_method"],
    check(r) {
      if (String(r.attrs.http_method).toUpperCase() === "OPTIONS") return [];
      if (r.attrs.api_key_required === true) return [];
      const auth = String(r.attrs.authorization ?? "NONE");
      if (auth === "AWS_IAM") return [];
      if ((auth === "CUSTOM" || auth === "COGNITO_USER_POOLS") && r.attrs.authorizer_id) return [];
      return [
        {
          message: `${String(r.attrs.http_method)} is open: authorization "${auth}" and no API key required`,
          fix: "require an API key (api_key_required = true) or set a Cognito, Lambda or IAM authorizer",
        },
      ];
    },
  },
  {
    id: "APIG4",
    severity: "error",
    title: "Execution logging at ERROR or INFO for the whole stage",
    appliesTo: ["aws_api_gateway_stage"],
    check(r, stack) {
      const level = methodSettingsOf(stack, r).get("*/*")?.logging_level;
      if (level === "ERROR" || level === "INFO") return [];
      return [
        {
          message: `stage "${stageName(r)}" has execution logging ${level ? `"${String(level)}"` : "unset"}`,
          fix: 'add aws_api_gateway_method_settings for method_path "*/*" with logging_level "ERROR" or "INFO"',
        },
      ];
    },
  },
  {
    id: "APIG5",
    severity: "error",
    title: "Cached responses are encrypted",
    appliesTo: ["aws_api_gateway_stage"],
    check(r, stack) {
      const settings = methodSettingsOf(stack, r);
      const stageEncrypted = settings.get("*/*")?.cache_data_encrypted === true;
      const out: Violation[] = [];
      for (const [path, s] of settings) {
        if (s.caching_enabled !== true) continue;
        if (s.cache_data_encrypted === true || (s.cache_data_encrypted === undefined && stageEncrypted)) continue;
        out.push({
          message: `stage "${stageName(r)}" caches "${path}" without encryption`,
          fix: `set cache_data_encrypted = true in the method settings for "${path}" (or "*/*")`,
        });
      }
      if (r.attrs.cache_cluster_enabled === true && out.length === 0 && !stageEncrypted && ![...settings.values()].some((s) => s.caching_enabled === true)) {
        out.push({
          message: `stage "${stageName(r)}" has a cache cluster but no method settings that encrypt its data`,
          fix: 'set cache_data_encrypted = true in the "*/*" method settings',
        });
      }
      return out;
    },
  },
  {
    id: "APIG6",
    severity: "error",
    title: "X-Ray tracing on every stage",
    appliesTo: ["aws_api_gateway_stage"],
    check(r) {
      if (r.attrs.xray_tracing_enabled === true) return [];
      return [{ message: `stage "${stageName(r)}" has X-Ray tracing off`, fix: "set xray_tracing_enabled = true" }];
    },
  },
  {
    id: "APIG7",
    severity: "error",
    title: "Throttling (rate and burst) set for every stage",
    appliesTo: ["aws_api_gateway_stage"],
    check(r, stack) {
      const all = methodSettingsOf(stack, r).get("*/*");
      if (all && num(all.throttling_rate_limit) && num(all.throttling_burst_limit)) return [];
      const planned = usagePlansOf(stack, r).some((p) => {
        const t = block(p.attrs.throttle_settings);
        return t && num(t.rate_limit) && num(t.burst_limit);
      });
      if (planned) return [];
      return [
        {
          message: `stage "${stageName(r)}" has no throttle: neither "*/*" method settings nor a usage plan set rate and burst`,
          fix: 'set throttling_rate_limit and throttling_burst_limit in the "*/*" method settings, or cover the stage with a throttled usage plan',
        },
      ];
    },
  },
  {
    id: "APIG8",
    severity: "error",
    title: "Custom domains require TLS 1.2 or later",
    appliesTo: ["aws_api_gateway_domain_name"],
    check(r) {
      const policy = r.attrs.security_policy;
      if (typeof policy === "string" && policy !== "TLS_1_0" && /TLS_?1_?[23]/i.test(policy)) return [];
      if (isToken(policy)) return [];
      return [
        {
          message: `custom domain "${String(r.attrs.domain_name)}" has security policy ${policy ? `"${String(policy)}"` : "unset (TLS 1.0 allowed)"}`,
          fix: 'set security_policy = "TLS_1_2"',
        },
      ];
    },
  },
  {
    id: "APIG9",
    severity: "warning",
    title: "Stages are protected by a WAF web ACL",
    appliesTo: ["aws_api_gateway_stage"],
    check(r, stack) {
      const associated = [
        ...stack.ofType("aws_wafv2_web_acl_association"),
        ...stack.ofType("aws_wafregional_web_acl_association"),
      ].some((a) => refersTo(a.attrs.resource_arn, r.address));
      if (associated) return [];
      return [
        {
          message: `stage "${stageName(r)}" has no WAF web ACL association`,
          fix: "associate an aws_wafv2_web_acl with the stage ARN (aws_wafv2_web_acl_association)",
        },
      ];
    },
  },
];
