/**
 * The one reader of synthesized Terraform JSON (`cdk.tf.json`): stacks and resources,
 * references and interpolations, IAM statements, the API Gateway view. It imports neither
 * cdktf nor constructs, so the local gateway, the policy rules, the review and the tests
 * all read Terraform through it.
 */
export * from "./json";
export * from "./expression";
export * from "./stack";
export * from "./resolver";
export * from "./iam";
export * from "./apigateway";
export * from "./source";
