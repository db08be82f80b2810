/**
 * What other modules (rest-api, monitoring) need to know about a Lambda function,
 * without importing the nodejs-function module.
 */
export interface LambdaAliasRef {
  readonly name: string;
  /**
   * The alias's `name` as a Terraform reference to the alias resource: a permission whose
   * qualifier is this is created after the alias.
   */
  readonly nameRef: string;
  /** The version the alias points to: a literal, or a reference to the function's published version. */
  readonly functionVersion: string;
  /** Alias ARN (`<function arn>:<alias>`). */
  readonly arn: string;
  /** The API Gateway integration URI for this alias. */
  readonly invokeArn: string;
}

export interface LambdaFunctionRef {
  /** Construct id of the function, stable; used in permission statement ids. */
  readonly id: string;
  /** The physical name, known at synth (`dev-ItemsFunction`). */
  readonly functionName: string;
  /**
   * The function's `function_name` as a Terraform reference to the function resource: what
   * names the function through it (a Lambda permission) is created after the function.
   */
  readonly functionNameRef: string;
  /** Unqualified function ARN. */
  readonly arn: string;
  /** The API Gateway integration URI for the unqualified function ($LATEST). */
  readonly invokeArn: string;
  readonly region: string;
  /** Alias names declared on the function. */
  readonly aliasNames: readonly string[];
  /** The alias by name; throws a PropError when it is not declared. */
  alias(name: string): LambdaAliasRef;
}

/**
 * An integration target whose alias is chosen per stage by a stage variable:
 * `arn:...:function:<name>:${stageVariables.lambdaAlias}`.
 */
export interface StageVariableTarget {
  readonly kind: "stage-variable";
  readonly fn: LambdaFunctionRef;
  readonly variable: string;
}

/** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations` */
export function lambdaInvokeUri(region: string, functionArn: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}
