/**
 * music-library (music-table-api.txt): `DemoRESTAPI`, which creates and deletes
 * Music-shaped tables (Artist + SongTitle) and reads and writes their items.
 *
 * | route                                              | auth    | integration (proxy) |
 * |----------------------------------------------------|---------|---------------------|
 * | PUT /DemoResourceMusic/DemoResourceMusicTable      | API key | DemoCreateTable     |
 * | DELETE /DemoResourceMusic/DemoResourceMusicTable   | API key | DemoDeleteTable     |
 * | GET /DemoResourceMusic/DemoResourceMusicItem       | API key | DemoHandleItem      |
 * | PUT /DemoResourceMusic/DemoResourceMusicItem       | API key | DemoHandleItem      |
 * | POST /DemoResourceMusic/DemoResourceMusicItem      | API key | DemoHandleItem      |
 * | DELETE /DemoResourceMusic/DemoResourceMusicItem    | API key | DemoHandleItem      |
 *
 * Stage `Test` (20 rps / 40 burst): JSON access logs to `API-Gateway-Access-Logs_<prefix>DemoRESTAPI/Test`,
 * execution logging at INFO, data trace in `dev` only. Resource policy: only the source
 * CIDR ranges of env.services.musicLibrary.allowedSourceCidrs, when any are configured.
 *
 * Differences from the document, on purpose:
 * - the document's API is open; this one requires an API key (`DemoApiKey`, usage plan
 *   `DemoUsagePlan`), so its curl commands need `-H 'x-api-key: <key>'` as well;
 * - the document's functions ran with broad DynamoDB rights; here each function gets only
 *   its own actions, on `arn:<partition>:dynamodb:<region>:<account>:table/<tablePrefix>*`.
 *   A request's `table: Music` is the document's logical name: the handlers map `Music` (and
 *   `Music<suffix>`) to `<tablePrefix>` (`<tablePrefix><suffix>`), `dev-Music` by default, and
 *   refuse any other name with a 400 stating the pattern, so no request can reach a table
 *   outside the prefix, and answers name the logical table;
 * - DemoCreateTable waits until the new table is ACTIVE, so the document's next request
 *   (put an item) finds it; the table is on demand, not 5/5 provisioned.
 */
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { Construct } from "constructs";
import type { Environment } from "../config/environments";
import { PropError } from "../core/errors";
import { ServiceStack, type ServiceStackProps } from "../core/service-stack";
import { NodejsFunction } from "../nodejs-function";
import { lambdaProxy, RestApi, sourceIpPolicy } from "../rest-api";

export const MUSIC_LIBRARY = "music-library";

/** Actions of each function, exactly what its handler calls. */
export const CREATE_TABLE_ACTIONS = ["dynamodb:CreateTable", "dynamodb:DescribeTable"] as const;
/** The document's table name: `table: Music` in a request names the environment's `<tablePrefix>`. */
export const LOGICAL_TABLE = "Music";
export const DELETE_TABLE_ACTIONS = ["dynamodb:DeleteTable", "dynamodb:DescribeTable"] as const;
export const ITEM_ACTIONS = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"] as const;

/** The document sets no throttle; creating and deleting tables needs no more than this. */
export const STAGE_THROTTLE = { rate: 20, burst: 40 } as const;

const TABLE_PREFIX = /^[A-Za-z0-9_.-]{1,200}$/;

export class MusicLibraryStack extends ServiceStack {
  readonly createTable: NodejsFunction;
  readonly deleteTable: NodejsFunction;
  readonly handleItem: NodejsFunction;
  readonly api: RestApi;
  /** `arn:<partition>:dynamodb:<region>:<account>:table/<tablePrefix>*` */
  readonly tablesArn: string;

  constructor(scope: Construct, env: Environment, props: ServiceStackProps = {}) {
    super(scope, `${MUSIC_LIBRARY}-${env.name}`, env, props);
    const config = env.services.musicLibrary;
    if (!TABLE_PREFIX.test(config.tablePrefix)) {
      throw new PropError(this, "services.musicLibrary.tablePrefix", config.tablePrefix, "use letters, digits, _ . - only (no wildcard): it scopes the IAM policy.");
    }

    const partition = new DataAwsPartition(this, "Partition");
    const caller = new DataAwsCallerIdentity(this, "Caller");
    this.tablesArn = `arn:${partition.partition}:dynamodb:${env.region}:${caller.accountId}:table/${config.tablePrefix}*`;

    const environment = { TABLE_PREFIX: config.tablePrefix, LOGICAL_TABLE, ALLOWED_ORIGINS: env.webOrigins.join(",") };
    this.createTable = new NodejsFunction(this, "DemoCreateTable", {
      entry: "functions/demo-create-table/index.ts",
      description: "PUT /DemoResourceMusic/DemoResourceMusicTable: create a Music-shaped table",
      environment,
    });
    this.createTable.addToRolePolicy({ sid: "CreatePrefixedTables", actions: [...CREATE_TABLE_ACTIONS], resources: [this.tablesArn] });

    this.deleteTable = new NodejsFunction(this, "DemoDeleteTable", {
      entry: "functions/demo-delete-table/index.ts",
      description: "DELETE /DemoResourceMusic/DemoResourceMusicTable: delete a table",
      environment,
    });
    this.deleteTable.addToRolePolicy({ sid: "DeletePrefixedTables", actions: [...DELETE_TABLE_ACTIONS], resources: [this.tablesArn] });

    this.handleItem = new NodejsFunction(this, "DemoHandleItem", {
      entry: "functions/demo-handle-item/index.ts",
      description: "GET/PUT/POST/DELETE /DemoResourceMusic/DemoResourceMusicItem",
      environment,
    });
    this.handleItem.addToRolePolicy({ sid: "ItemsOfPrefixedTables", actions: [...ITEM_ACTIONS], resources: [this.tablesArn] });

    const api = new RestApi(this, "DemoRESTAPI", {
      description: "Music tables and items (music-table-api.txt)",
      cors: { allowOrigins: env.webOrigins },
      policy: config.allowedSourceCidrs.length > 0 ? sourceIpPolicy(config.allowedSourceCidrs) : undefined,
      stages: {
        Test: { accessLogs: true, loggingLevel: "INFO", dataTrace: env.name === "dev", tracing: true, throttle: STAGE_THROTTLE },
      },
    });
    this.api = api;

    const table = "/DemoResourceMusic/DemoResourceMusicTable";
    const item = "/DemoResourceMusic/DemoResourceMusicItem";
    api.addRoute(`PUT ${table}`, { integration: lambdaProxy(this.createTable), apiKey: true });
    api.addRoute(`DELETE ${table}`, { integration: lambdaProxy(this.deleteTable), apiKey: true });
    const items = lambdaProxy(this.handleItem);
    for (const method of ["GET", "PUT", "POST", "DELETE"]) {
      api.addRoute(`${method} ${item}`, { integration: items, apiKey: true });
    }

    api.addUsagePlan("DemoUsagePlan", {
      stages: ["Test"],
      keys: [api.addApiKey("DemoApiKey", { description: "Key for the music table API" })],
    });

  }
}
