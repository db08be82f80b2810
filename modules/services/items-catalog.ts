/**
 * items-catalog (items-api-lab.md): `ItemsAPI` over the items table, through a NON-proxy
 * Lambda integration to `ItemsFunction`, whose alias each stage picks with the stage
 * variable `lambdaAlias`; the document's mock templates stay on as preview routes.
 *
 * | route                     | auth    | integration                                          | cache (prod)       |
 * |---------------------------|---------|------------------------------------------------------|--------------------|
 * | GET /items                | API key | AWS (non-proxy) ItemsFunction:${lambdaAlias}         | 3600 s             |
 * | GET /items/{ID}           | API key | AWS (non-proxy) ItemsFunction:${lambdaAlias}, the document's template (ITEM_REQUEST_TEMPLATE) | 3600 s, key ID |
 * | GET /preview/items        | API key | MOCK, the document's list template                   | -                  |
 * | GET /preview/items/{ID}   | API key | MOCK, the document's item template (400 for a non-integer ID) | -         |
 *
 * Stages `dev` (lambdaAlias dev → $LATEST; 100 rps / 50 burst) and `prod` (lambdaAlias prod
 * → the configured version; 0.5 GB encrypted cache, TTL 3600, authorized invalidation,
 * 10000 rps / 5000 burst); both with X-Ray and execution logging at ERROR.
 * Usage plan `CloudAcademyPlan` over both stages, 1000 requests per day, key `LabKey`.
 *
 * Every route is non-proxy, with an application/json request template and passthrough
 * NEVER (other content types: 415); the Lambda routes end with a catch-all 500.
 */
import type { Construct } from "constructs";
import { ItemSchema, itemsModelSchema, GET_ITEM_REQUEST_TEMPLATE, SEED_ITEMS } from "../../functions/items/schema";
import type { Environment } from "../config/environments";
import { ServiceStack, type ServiceStackProps } from "../core/service-stack";
import { NodejsFunction } from "../nodejs-function";
import { catchAllErrorResponse, lambdaIntegration, mockIntegration, modelRef, RestApi, type IntegrationResponse } from "../rest-api";
import { Table } from "../table";

/** The document's mock template for GET /items (three generated items), unchanged. */
export const PREVIEW_ITEMS_TEMPLATE = [
  "[",
  "#foreach($ID in [1, 2, 3])",
  "#set($price = $ID * 1.5)",
  '#set($name = "foo" + $ID)',
  "{",
  '"ID" : $ID,',
  '"name" : "$name",',
  '"price" : $price',
  "}",
  "#if($foreach.hasNext),#end",
  "#end",
  "]",
].join("\n");

/** The document's mock template for GET /items/{ID}, unchanged. */
export const PREVIEW_ITEM_TEMPLATE = [
  "#set($Integer = 1)",
  '#set($ID = $Integer.parseInt($input.params("ID")))',
  '#set($name = "foo" + $ID)',
  "#set($price = $ID * 1.5)",
  "{",
  '"ID" : $ID,',
  '"name" : "$name",',
  '"price" : $price',
  "}",
].join("\n");

/**
 * GET /items/{ID}'s request template: the document's template (`{"ID": $input.params("ID")}`)
 * for a plain positive integer, unchanged. The document's template alone renders `/items/abc`
 * as `{"ID": abc}`, which is not JSON: Lambda refuses the payload and the client gets API
 * Gateway's 500. Any other ID is therefore passed as a URL-encoded string (always valid JSON),
 * which ItemsFunction answers with BadRequestError, mapped to 400.
 */
export const ITEM_REQUEST_TEMPLATE = [
  '#set($ID = $input.params("ID"))',
  '#if($ID.matches("[1-9][0-9]{0,14}"))',
  GET_ITEM_REQUEST_TEMPLATE,
  "#else",
  '{"ID": "$util.urlEncode($ID)"}',
  "#end",
].join("\n");

/**
 * GET /items' request template: the list takes no input, so the function gets `{}` whatever
 * the client sends. Without it API Gateway passed the body through, and one request with a
 * body `{"ID":2}` filled the prod cache (keyed on the path only) with a single item for
 * every caller for an hour.
 */
export const LIST_REQUEST_TEMPLATE = "{}";

/**
 * Lambda error messages start with the error's name (functions/lib/non-proxy.ts). The
 * patterns exclude each other, so the answer does not depend on the order in which API
 * Gateway tries them; the last one catches every other error (a table gone, a timeout, a
 * crash) as API Gateway's own 500 body, so no errorMessage, errorType or stackTrace (with
 * its file paths) ever reaches a client. Without it such an error came back as 200 with
 * the Lambda error object.
 */
const ERROR_BODY = { "application/json": '{"message": $input.json(\'$.errorMessage\')}' };
const NOT_FOUND_PATTERN = "NotFoundError:[\\s\\S]*";
const BAD_REQUEST_PATTERN = "BadRequestError:[\\s\\S]*";
export const INTERNAL_ERROR_BODY = '{"message": "Internal server error"}';
const CATCH_ALL = catchAllErrorResponse({ except: [NOT_FOUND_PATTERN, BAD_REQUEST_PATTERN], body: INTERNAL_ERROR_BODY });
export const CATCH_ALL_SELECTION_PATTERN = CATCH_ALL.selectionPattern!;
export const ITEMS_ERROR_RESPONSES: readonly IntegrationResponse[] = [
  { statusCode: "200" },
  { statusCode: "404", selectionPattern: NOT_FOUND_PATTERN, responseTemplates: ERROR_BODY },
  { statusCode: "400", selectionPattern: BAD_REQUEST_PATTERN, responseTemplates: ERROR_BODY },
  CATCH_ALL,
];

/**
 * The MOCK request template of GET /preview/items/{ID}: the mock's status is 200 for an id
 * the document's template can parse (`$Integer.parseInt`), 400 for anything else
 * (`/preview/items/1%22`), which selects the 400 response below instead of failing the
 * document's template with a 500.
 */
export const PREVIEW_ITEM_STATUS_TEMPLATE = [
  '#set($ID = $input.params("ID"))',
  '#if($ID.matches("[0-9]{1,9}"))',
  '{"statusCode": 200}',
  "#else",
  '{"statusCode": 400}',
  "#end",
].join("\n");
export const PREVIEW_BAD_ID_BODY = '{"message": "ID must be a whole number of at most 9 digits, e.g. /preview/items/1"}';

/**
 * Every non-proxy route: an explicit template for application/json (what a request without
 * Content-Type is taken as) and NEVER pass a body through: any other content type is a 415,
 * so only the template's declared parameters reach the function.
 */
const NEVER = "NEVER" as const;

export const ITEMS_CATALOG = "items-catalog";

/**
 * The document leaves the dev stage unthrottled (the account's 10000 rps apply); a modest
 * stage throttle keeps a runaway test client from eating the account's capacity.
 */
export const DEV_STAGE_THROTTLE = { rate: 100, burst: 50 } as const;

export class ItemsCatalogStack extends ServiceStack {
  readonly table: Table;
  readonly fn: NodejsFunction;
  readonly api: RestApi;

  constructor(scope: Construct, env: Environment, props: ServiceStackProps = {}) {
    super(scope, `${ITEMS_CATALOG}-${env.name}`, env, props);

    this.table = new Table(this, "Items", {
      partitionKey: { name: "ID", type: "N" },
      seed: SEED_ITEMS.map((item) => ({ ...item })),
    });

    this.fn = new NodejsFunction(this, "ItemsFunction", {
      entry: "functions/items/index.ts",
      description: "ItemsAPI backend (non-proxy): the item list, or one item by ID",
      environment: { TABLE_NAME: this.table.tableName },
      aliases: { dev: "$LATEST", prod: env.services.itemsCatalog.prodVersion },
    });
    this.table.grantReadData(this.fn);

    const api = new RestApi(this, "ItemsAPI", {
      description: "Cloud Academy Lab API",
      cors: { allowOrigins: env.webOrigins },
      stages: {
        dev: { variables: { lambdaAlias: "dev" }, throttle: DEV_STAGE_THROTTLE, loggingLevel: "ERROR", tracing: true },
        prod: {
          variables: { lambdaAlias: "prod" },
          loggingLevel: "ERROR",
          tracing: true,
          cache: { sizeGb: 0.5, ttl: 3600, encrypted: true, requireAuthorization: true, unauthorizedStrategy: "FAIL_WITH_403", allMethods: false },
          throttle: { rate: 10000, burst: 5000 },
        },
      },
    });
    this.api = api;
    api.addModel("Item", ItemSchema);
    api.addModel("Items", itemsModelSchema(modelRef("Item").$ref));

    const target = this.fn.aliasFromStageVariable("lambdaAlias");
    const cachedOnProd = { stages: ["prod"] };
    // Cache audit: a cached response may depend only on its cache key. The templates pass only
    // the ID; with several web origins the CORS origin echo makes Origin an input too.
    const originKey = env.webOrigins.length > 1 ? ["header.Origin"] : [];
    api.addRoute("GET /items", {
      integration: lambdaIntegration(target, {
        requestTemplates: { "application/json": LIST_REQUEST_TEMPLATE },
        passthroughBehavior: NEVER,
        integrationResponses: ITEMS_ERROR_RESPONSES,
      }),
      apiKey: true,
      cache: cachedOnProd,
      ...(originKey.length > 0 ? { cacheKey: originKey } : {}),
      methodResponses: [{ statusCode: "200", responseModels: { "application/json": "Items" } }],
    });
    api.addRoute("GET /items/{ID}", {
      integration: lambdaIntegration(target, {
        requestTemplates: { "application/json": ITEM_REQUEST_TEMPLATE },
        passthroughBehavior: NEVER,
        integrationResponses: ITEMS_ERROR_RESPONSES,
      }),
      apiKey: true,
      cacheKey: ["ID", ...originKey],
      cache: cachedOnProd,
      methodResponses: [{ statusCode: "200", responseModels: { "application/json": "Item" } }],
    });
    api.addRoute("GET /preview/items", {
      integration: mockIntegration({
        passthroughBehavior: NEVER,
        integrationResponses: [{ statusCode: "200", responseTemplates: { "application/json": PREVIEW_ITEMS_TEMPLATE } }],
      }),
      apiKey: true,
    });
    api.addRoute("GET /preview/items/{ID}", {
      integration: mockIntegration({
        requestTemplates: { "application/json": PREVIEW_ITEM_STATUS_TEMPLATE },
        passthroughBehavior: NEVER,
        integrationResponses: [
          { statusCode: "200", responseTemplates: { "application/json": PREVIEW_ITEM_TEMPLATE } },
          { statusCode: "400", selectionPattern: "400", responseTemplates: { "application/json": PREVIEW_BAD_ID_BODY } },
        ],
      }),
      apiKey: true,
    });

    api.addUsagePlan("CloudAcademyPlan", {
      description: "Cloud Academy Lab Plan",
      stages: ["dev", "prod"],
      quota: { limit: 1000, period: "DAY" },
      keys: [api.addApiKey("LabKey", { description: "Cloud Academy Lab Key" })],
    });

  }
}
