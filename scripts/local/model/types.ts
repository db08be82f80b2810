/** The local gateway's model of what Terraform would create, built from cdk.tf.json. */
import type { ResourcePolicyDocument } from "../policy";

export interface ResourceNode {
  readonly id: string;
  readonly pathPart: string;
  /** `/items/{ID}` */
  path: string;
  readonly children: ResourceNode[];
  readonly methods: Map<string, MethodModel>;
}

export interface MethodResponseModel {
  readonly statusCode: string;
  readonly responseParameters: Record<string, boolean>;
}

export interface IntegrationResponseModel {
  readonly statusCode: string;
  readonly selectionPattern?: string;
  readonly responseTemplates: Record<string, string>;
  readonly responseParameters: Record<string, string>;
  readonly contentHandling?: string;
}

export interface IntegrationModel {
  /** MOCK, AWS, AWS_PROXY, HTTP, HTTP_PROXY */
  readonly type: string;
  readonly uri?: string;
  readonly httpMethod?: string;
  readonly requestTemplates: Record<string, string>;
  readonly requestParameters: Record<string, string>;
  readonly passthroughBehavior: string;
  readonly contentHandling?: string;
  readonly timeoutMs: number;
  readonly cacheKeyParameters: string[];
  readonly responses: IntegrationResponseModel[];
}

export interface MethodModel {
  readonly httpMethod: string;
  readonly resource: ResourceNode;
  readonly authorization: string;
  readonly authorizerId?: string;
  readonly apiKeyRequired: boolean;
  readonly requestParameters: Record<string, boolean>;
  readonly requestModels: Record<string, string>;
  readonly validatorId?: string;
  readonly responses: Map<string, MethodResponseModel>;
  integration?: IntegrationModel;
}

export interface AuthorizerModel {
  readonly id: string;
  readonly name: string;
  /** TOKEN, REQUEST, COGNITO_USER_POOLS */
  readonly type: string;
  readonly uri?: string;
  readonly identitySource: string;
  readonly identityValidationExpression?: string;
  readonly ttlSeconds: number;
  readonly providerArns: string[];
}

export interface GatewayResponseModel {
  readonly statusCode?: string;
  readonly responseParameters: Record<string, string>;
  readonly responseTemplates: Record<string, string>;
}

export interface MethodSettingsModel {
  readonly cachingEnabled?: boolean;
  readonly cacheTtlInSeconds?: number;
  readonly requireAuthorizationForCacheControl?: boolean;
  readonly unauthorizedCacheControlHeaderStrategy?: string;
  readonly throttlingRateLimit?: number;
  readonly throttlingBurstLimit?: number;
}

export interface StageModel {
  readonly name: string;
  readonly variables: Record<string, string>;
  readonly cacheClusterEnabled: boolean;
  readonly accessLogFormat?: string;
  /** By method path: `*\/*`, `items/{ID}/GET`. */
  readonly methodSettings: Map<string, MethodSettingsModel>;
}

export interface ApiModel {
  readonly stack: string;
  /** The Terraform resource name of the aws_api_gateway_rest_api. */
  readonly resourceName: string;
  readonly name: string;
  readonly id: string;
  readonly region: string;
  readonly binaryMediaTypes: string[];
  /** HEADER (x-api-key) or AUTHORIZER (the Lambda authorizer's usageIdentifierKey). */
  readonly apiKeySource: string;
  readonly root: ResourceNode;
  readonly resources: Map<string, ResourceNode>;
  /** JSON Schemas by model name. */
  readonly models: Map<string, unknown>;
  readonly validators: Map<string, { body: boolean; params: boolean }>;
  readonly authorizers: Map<string, AuthorizerModel>;
  readonly gatewayResponses: Map<string, GatewayResponseModel>;
  readonly stages: Map<string, StageModel>;
  /** The resource policy (short-form resources expanded); none when the API has no policy. */
  policy?: ResourcePolicyDocument;
}

export interface ApiKeyModel {
  readonly id: string;
  readonly name: string;
  readonly value: string;
  readonly enabled: boolean;
}

export interface ThrottleModel {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface UsagePlanModel {
  readonly id: string;
  readonly name: string;
  readonly apiStages: { apiId: string; stage: string; throttle: Map<string, ThrottleModel> }[];
  readonly throttle?: ThrottleModel;
  readonly quota?: { limit: number; period: string; offset: number };
  readonly keyIds: string[];
}

export interface PermissionModel {
  readonly functionName: string;
  readonly qualifier?: string;
  readonly principal: string;
  readonly sourceArn?: string;
  readonly action: string;
}

export interface FunctionModel {
  readonly stack: string;
  readonly resourceName: string;
  readonly functionName: string;
  readonly arn: string;
  readonly region: string;
  /** Absolute path of the deployment zip. */
  readonly zipPath: string;
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Record<string, string>;
  /** `1` when published, `$LATEST` otherwise. */
  readonly version: string;
  /** Alias name → function version. */
  readonly aliases: Map<string, string>;
  /** The execution role's ARN. */
  readonly roleArn?: string;
  /** Asynchronous invocation settings (`aws_lambda_function_event_invoke_config`); Lambda's defaults when absent. */
  readonly asyncInvoke?: { readonly maximumRetryAttempts: number; readonly maximumEventAgeSeconds: number; readonly onFailure?: string };
  /** The execution role's identity policies (inline `aws_iam_role_policy` documents, resolved JSON). */
  readonly rolePolicies?: readonly string[];
}

export interface TableModel {
  readonly name: string;
  readonly hashKey: string;
  readonly rangeKey?: string;
  readonly attributes: { name: string; type: string }[];
  readonly globalSecondaryIndexes: { name: string; hashKey: string; rangeKey?: string; projectionType: string; nonKeyAttributes?: string[] }[];
  readonly localSecondaryIndexes: { name: string; rangeKey: string; projectionType: string; nonKeyAttributes?: string[] }[];
  readonly streamEnabled: boolean;
  readonly seeds: Record<string, unknown>[];
}

/** A user pool app client, as the local user-pool API enforces it. */
export interface AppClientModel {
  readonly id: string;
  readonly poolArn: string;
  /** `ALLOW_USER_SRP_AUTH`, `ALLOW_REFRESH_TOKEN_AUTH`, ... */
  readonly explicitAuthFlows: string[];
  /** `allowed_oauth_flows_user_pool_client`: the hosted UI and the OAuth endpoints serve this client. */
  readonly oauthEnabled: boolean;
  /** `code`, `implicit`, `client_credentials` */
  readonly oauthFlows: string[];
  readonly oauthScopes: string[];
  readonly callbackUrls: string[];
  readonly logoutUrls: string[];
}

export interface GatewayModel {
  readonly env: string;
  readonly stacks: string[];
  readonly apis: ApiModel[];
  readonly apiKeys: ApiKeyModel[];
  readonly usagePlans: UsagePlanModel[];
  readonly permissions: PermissionModel[];
  readonly functions: FunctionModel[];
  readonly tables: TableModel[];
  readonly buckets: string[];
  readonly identities: string[];
  /** Cognito user pool ARN → app client ids (audiences). */
  readonly userPoolClients: Map<string, string[]>;
  /** Every app client with its auth settings. */
  readonly appClients: AppClientModel[];
  /** What cannot run locally, for the console. */
  readonly warnings: string[];
}
