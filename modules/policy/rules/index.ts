import type { Rule } from "../types";
import { apiGatewayRules } from "./apigateway";
import { cloudFrontRules } from "./cloudfront";
import { dataRules } from "./data";
import { iamRules } from "./iam";
import { lambdaRules } from "./lambda";
import { s3Rules } from "./s3";

export { apiGatewayRules, cloudFrontRules, dataRules, iamRules, lambdaRules, s3Rules };
export { CURRENT_RUNTIMES } from "./lambda";
export { RESOURCE_STAR_ONLY_ACTIONS } from "./iam";

/** Every rule, in report order. */
export const RULES: readonly Rule[] = [...apiGatewayRules, ...lambdaRules, ...iamRules, ...s3Rules, ...cloudFrontRules, ...dataRules];
