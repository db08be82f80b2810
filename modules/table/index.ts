import { createHash } from "node:crypto";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { DynamodbTableItem } from "@cdktf/provider-aws/lib/dynamodb-table-item";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { PropError, isResolved } from "../core/errors";
import type { IGrantable, PolicyStatement } from "../core/grant";
import { ServiceStack } from "../core/service-stack";
import { AttributeValueError, toItem, type AttributeValue } from "./attribute-value";

export * from "./attribute-value";

/** DynamoDB key attribute types: string, number, binary. */
export type KeyType = "S" | "N" | "B";

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export type BillingMode = "PAY_PER_REQUEST" | "PROVISIONED";

export interface GlobalSecondaryIndexProps {
  /** Index name, unique in the table. */
  readonly indexName: string;
  /** The index's partition (hash) key. */
  readonly partitionKey: KeyAttribute;
  /** @default no sort key */
  readonly sortKey?: KeyAttribute;
  /**
   * `ALL`, `KEYS_ONLY`, or the list of non-key attributes to project (`INCLUDE`).
   * @default "ALL"
   */
  readonly projection?: "ALL" | "KEYS_ONLY" | readonly string[];
  /** Only with `PROVISIONED` billing. @default the table's readCapacity */
  readonly readCapacity?: number;
  /** Only with `PROVISIONED` billing. @default the table's writeCapacity */
  readonly writeCapacity?: number;
}

export interface TableProps {
  /**
   * Physical table name.
   * @default the ServiceStack's prefixed name for the construct id (`dev-` + id)
   */
  readonly tableName?: string;
  /** The table's partition (hash) key; it cannot change once the table exists. */
  readonly partitionKey: KeyAttribute;
  /** @default no sort key */
  readonly sortKey?: KeyAttribute;
  /**
   * @default "PROVISIONED" when readCapacity/writeCapacity are given, else "PAY_PER_REQUEST"
   */
  readonly billingMode?: BillingMode;
  /** Required with `PROVISIONED`. @default none (on-demand) */
  readonly readCapacity?: number;
  /** Required with `PROVISIONED`. @default none (on-demand) */
  readonly writeCapacity?: number;
  /** @default no global secondary indexes */
  readonly globalSecondaryIndexes?: readonly GlobalSecondaryIndexProps[];
  /** Name of the Number attribute holding each item's expiry (epoch seconds). @default TTL off */
  readonly timeToLiveAttribute?: string;
  /**
   * Refuse `DeleteTable` while true.
   * @default the ServiceStack environment's `deletionProtection` (true in prod); true outside a ServiceStack
   */
  readonly deletionProtection?: boolean;
  /**
   * Plain JavaScript items written as `aws_dynamodb_table_item` resources (marshalled with
   * `toAttributeValue`). Each must carry the key attributes with the declared types.
   * @default no items
   */
  readonly seed?: readonly Readonly<Record<string, unknown>>[];
}

/** Actions granted by `grantReadData`. */
export const TABLE_READ_ACTIONS: readonly string[] = [
  "dynamodb:BatchGetItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DescribeTable",
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
];

/** Actions granted by `grantWriteData`. */
export const TABLE_WRITE_ACTIONS: readonly string[] = [
  "dynamodb:BatchWriteItem",
  "dynamodb:DeleteItem",
  "dynamodb:DescribeTable",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
];

const NAME_RE = /^[A-Za-z0-9_.-]{3,255}$/;
const KEY_TYPES: readonly KeyType[] = ["S", "N", "B"];
const MAX_GSIS = 20;

/** The table's settings after defaults and validation: what the construct renders. */
export interface TablePlan {
  readonly billingMode: BillingMode;
  readonly readCapacity?: number;
  readonly writeCapacity?: number;
  readonly attributes: readonly KeyAttribute[];
  readonly globalSecondaryIndexes: readonly {
    readonly name: string;
    readonly hashKey: string;
    readonly rangeKey?: string;
    readonly projectionType: "ALL" | "KEYS_ONLY" | "INCLUDE";
    readonly nonKeyAttributes?: readonly string[];
    readonly readCapacity?: number;
    readonly writeCapacity?: number;
  }[];
}

function checkKey(where: string, prop: string, key: KeyAttribute | undefined): void {
  if (key === undefined || typeof key !== "object") {
    throw new PropError(where, prop, key, `give { name, type } with type "S", "N" or "B".`);
  }
  if (typeof key.name !== "string" || key.name.length === 0 || key.name.length > 255) {
    throw new PropError(where, `${prop}.name`, key.name, "use an attribute name of 1 to 255 characters.");
  }
  if (!KEY_TYPES.includes(key.type)) {
    throw new PropError(where, `${prop}.type`, key.type, `use "S" (string), "N" (number) or "B" (binary).`);
  }
}

function checkCapacity(where: string, prop: string, value: number | undefined): void {
  if (value === undefined || !isResolved(value)) return;
  if (!Number.isInteger(value) || value < 1) {
    throw new PropError(where, prop, value, "use a whole number of capacity units, at least 1.");
  }
}

/**
 * Validates table props and applies defaults; pure, so tests need no synth.
 * `where` names the construct in error messages.
 */
export function planTable(where: string, props: TableProps): TablePlan {
  checkKey(where, "partitionKey", props.partitionKey);
  if (props.sortKey !== undefined) {
    checkKey(where, "sortKey", props.sortKey);
    if (props.sortKey.name === props.partitionKey.name) {
      throw new PropError(where, "sortKey.name", props.sortKey.name, "use a different attribute than the partition key.");
    }
  }
  if (props.tableName !== undefined && isResolved(props.tableName) && !NAME_RE.test(props.tableName)) {
    throw new PropError(where, "tableName", props.tableName, "use 3 to 255 characters from A-Z, a-z, 0-9, '_', '-' and '.'.");
  }

  const hasCapacity = props.readCapacity !== undefined || props.writeCapacity !== undefined;
  const billingMode = props.billingMode ?? (hasCapacity ? "PROVISIONED" : "PAY_PER_REQUEST");
  if (billingMode !== "PAY_PER_REQUEST" && billingMode !== "PROVISIONED") {
    throw new PropError(where, "billingMode", billingMode, `use "PAY_PER_REQUEST" or "PROVISIONED".`);
  }
  checkCapacity(where, "readCapacity", props.readCapacity);
  checkCapacity(where, "writeCapacity", props.writeCapacity);
  if (billingMode === "PAY_PER_REQUEST" && hasCapacity) {
    const prop = props.readCapacity !== undefined ? "readCapacity" : "writeCapacity";
    throw new PropError(
      where,
      prop,
      props[prop],
      `Cannot set "${prop}" when "billingMode" is "PAY_PER_REQUEST": remove it or set billingMode "PROVISIONED".`,
    );
  }
  if (billingMode === "PROVISIONED") {
    for (const prop of ["readCapacity", "writeCapacity"] as const) {
      if (props[prop] === undefined) {
        throw new PropError(where, prop, undefined, `"billingMode" is "PROVISIONED": set both readCapacity and writeCapacity.`);
      }
    }
  }

  // Every key attribute (table and indexes) is declared once, with one type.
  const attributes = new Map<string, KeyType>();
  const declare = (prop: string, key: KeyAttribute): void => {
    const seen = attributes.get(key.name);
    if (seen !== undefined && seen !== key.type) {
      throw new PropError(
        where,
        `${prop}.type`,
        key.type,
        `attribute "${key.name}" is already a key of type "${seen}": an attribute has one type across the table and its indexes.`,
      );
    }
    attributes.set(key.name, key.type);
  };
  declare("partitionKey", props.partitionKey);
  if (props.sortKey) declare("sortKey", props.sortKey);

  const gsis = props.globalSecondaryIndexes ?? [];
  if (gsis.length > MAX_GSIS) {
    throw new PropError(where, "globalSecondaryIndexes", gsis.length, `use at most ${MAX_GSIS} global secondary indexes per table.`);
  }
  const names = new Set<string>();
  const planned = gsis.map((gsi, i) => {
    const p = `globalSecondaryIndexes[${i}]`;
    if (typeof gsi.indexName !== "string" || !NAME_RE.test(gsi.indexName)) {
      throw new PropError(where, `${p}.indexName`, gsi.indexName, "use 3 to 255 characters from A-Z, a-z, 0-9, '_', '-' and '.'.");
    }
    if (names.has(gsi.indexName)) {
      throw new PropError(where, `${p}.indexName`, gsi.indexName, "index names must be unique within a table: rename one.");
    }
    names.add(gsi.indexName);
    checkKey(where, `${p}.partitionKey`, gsi.partitionKey);
    declare(`${p}.partitionKey`, gsi.partitionKey);
    if (gsi.sortKey) {
      checkKey(where, `${p}.sortKey`, gsi.sortKey);
      if (gsi.sortKey.name === gsi.partitionKey.name) {
        throw new PropError(where, `${p}.sortKey.name`, gsi.sortKey.name, "use a different attribute than the index partition key.");
      }
      declare(`${p}.sortKey`, gsi.sortKey);
    }
    const projection = gsi.projection ?? "ALL";
    if (Array.isArray(projection) && projection.length === 0) {
      throw new PropError(where, `${p}.projection`, projection, `list at least one attribute, or use "KEYS_ONLY".`);
    }
    if (!Array.isArray(projection) && projection !== "ALL" && projection !== "KEYS_ONLY") {
      throw new PropError(where, `${p}.projection`, projection, `use "ALL", "KEYS_ONLY" or a list of attribute names.`);
    }
    const gsiCapacity = gsi.readCapacity !== undefined || gsi.writeCapacity !== undefined;
    if (gsiCapacity && billingMode === "PAY_PER_REQUEST") {
      throw new PropError(
        where,
        `${p}.${gsi.readCapacity !== undefined ? "readCapacity" : "writeCapacity"}`,
        gsi.readCapacity ?? gsi.writeCapacity,
        `Cannot set index capacity when "billingMode" is "PAY_PER_REQUEST": remove it or set billingMode "PROVISIONED".`,
      );
    }
    checkCapacity(where, `${p}.readCapacity`, gsi.readCapacity);
    checkCapacity(where, `${p}.writeCapacity`, gsi.writeCapacity);
    return {
      name: gsi.indexName,
      hashKey: gsi.partitionKey.name,
      ...(gsi.sortKey ? { rangeKey: gsi.sortKey.name } : {}),
      projectionType: Array.isArray(projection) ? ("INCLUDE" as const) : (projection as "ALL" | "KEYS_ONLY"),
      ...(Array.isArray(projection) ? { nonKeyAttributes: [...projection] } : {}),
      ...(billingMode === "PROVISIONED"
        ? { readCapacity: gsi.readCapacity ?? props.readCapacity, writeCapacity: gsi.writeCapacity ?? props.writeCapacity }
        : {}),
    };
  });

  if (props.timeToLiveAttribute !== undefined) {
    const ttl = props.timeToLiveAttribute;
    if (typeof ttl !== "string" || ttl.length === 0 || ttl.length > 255) {
      throw new PropError(where, "timeToLiveAttribute", ttl, "use an attribute name of 1 to 255 characters.");
    }
    const keyType = attributes.get(ttl);
    if (keyType !== undefined) {
      throw new PropError(where, "timeToLiveAttribute", ttl, "use a non-key attribute: the expiry must not be part of a table or index key.");
    }
  }

  return {
    billingMode,
    ...(billingMode === "PROVISIONED" ? { readCapacity: props.readCapacity, writeCapacity: props.writeCapacity } : {}),
    attributes: [...attributes].map(([name, type]) => ({ name, type })),
    globalSecondaryIndexes: planned,
  };
}

function keyMatchesType(value: unknown, type: KeyType): boolean {
  switch (type) {
    case "S":
      return typeof value === "string" && value.length > 0;
    case "N":
      return (typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint";
    case "B":
      return value instanceof Uint8Array && value.length > 0;
  }
}

const TYPE_NAMES: Record<KeyType, string> = { S: "a non-empty string", N: "a finite number", B: "a non-empty Uint8Array" };

export interface SeedItem {
  /** Stable construct id derived from the item's key, so reordering the seed changes nothing. */
  readonly id: string;
  readonly item: Record<string, AttributeValue>;
}

function keyText(value: unknown): string {
  return value instanceof Uint8Array ? Buffer.from(value).toString("base64") : String(value);
}

/** `Seed-<key>`; characters a construct id should not carry are replaced and a short hash keeps ids unique. */
export function seedItemId(keyValues: readonly unknown[]): string {
  const raw = keyValues.map(keyText).join("_");
  const safe = raw.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 60);
  if (safe === raw) return `Seed-${safe}`;
  const hash = createHash("sha256").update(JSON.stringify(keyValues.map(keyText))).digest("hex").slice(0, 8);
  return `Seed-${safe}-${hash}`;
}

/**
 * Validates and marshals seed items: every item has the key attributes with the declared
 * types, every value is storable, and no two items share a key. Pure.
 */
export function planSeed(
  where: string,
  partitionKey: KeyAttribute,
  sortKey: KeyAttribute | undefined,
  seed: readonly Readonly<Record<string, unknown>>[],
): SeedItem[] {
  const seen = new Map<string, number>();
  return seed.map((item, i) => {
    const p = `seed[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new PropError(where, p, item, "give each seed item as a plain object.");
    }
    const keys = sortKey ? [partitionKey, sortKey] : [partitionKey];
    for (const key of keys) {
      const value = item[key.name];
      if (!keyMatchesType(value, key.type)) {
        throw new PropError(
          where,
          `${p}.${key.name}`,
          value,
          `key attribute "${key.name}" has type "${key.type}": give ${TYPE_NAMES[key.type]}.`,
        );
      }
    }
    const keyValues = keys.map((k) => item[k.name]);
    const id = seedItemId(keyValues);
    const identity = JSON.stringify(keyValues.map(keyText));
    const dup = seen.get(identity);
    if (dup !== undefined) {
      throw new PropError(where, `${p}`, keyValues, `seed[${dup}] has the same key: each seed item needs a unique key.`);
    }
    seen.set(identity, i);
    try {
      return { id, item: toItem(item, p) };
    } catch (e) {
      if (e instanceof AttributeValueError) {
        throw new PropError(where, e.path, e.value, e.reason);
      }
      throw e;
    }
  });
}

/**
 * A DynamoDB table with safe defaults: on-demand, point-in-time recovery, server-side
 * encryption (KMS, AWS managed key), deletion protection from the environment.
 * Grants add one least-privilege statement per call to the grantee's role.
 */
export class Table extends Construct {
  readonly tableName: string;
  readonly arn: string;
  readonly resource: DynamodbTable;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexNames: readonly string[];
  readonly seedItems: readonly DynamodbTableItem[];

  constructor(scope: Construct, id: string, props: TableProps) {
    super(scope, id);
    const where = this.node.path;
    const stack = TerraformStack.of(this);
    const service = stack instanceof ServiceStack ? stack : undefined;
    const tableName = props.tableName ?? service?.physicalName(id);
    if (tableName === undefined) {
      throw new PropError(where, "tableName", undefined, "set tableName, or create the table inside a ServiceStack.");
    }
    const plan = planTable(where, { ...props, tableName });
    const seed = planSeed(where, props.partitionKey, props.sortKey, props.seed ?? []);

    this.resource = new DynamodbTable(this, "Table", {
      name: tableName,
      billingMode: plan.billingMode,
      ...(plan.billingMode === "PROVISIONED" ? { readCapacity: plan.readCapacity, writeCapacity: plan.writeCapacity } : {}),
      hashKey: props.partitionKey.name,
      ...(props.sortKey ? { rangeKey: props.sortKey.name } : {}),
      attribute: plan.attributes.map((a) => ({ name: a.name, type: a.type })),
      ...(plan.globalSecondaryIndexes.length > 0
        ? {
            globalSecondaryIndex: plan.globalSecondaryIndexes.map(({ nonKeyAttributes, ...g }) => ({
              ...g,
              ...(nonKeyAttributes ? { nonKeyAttributes: [...nonKeyAttributes] } : {}),
            })),
          }
        : {}),
      ...(props.timeToLiveAttribute ? { ttl: { attributeName: props.timeToLiveAttribute, enabled: true } } : {}),
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection ?? service?.env.deletionProtection ?? true,
    });

    this.tableName = this.resource.name;
    this.arn = this.resource.arn;
    this.partitionKey = props.partitionKey;
    if (props.sortKey) this.sortKey = props.sortKey;
    this.indexNames = plan.globalSecondaryIndexes.map((g) => g.name);
    this.seedItems = seed.map(
      (s) =>
        new DynamodbTableItem(this, s.id, {
          tableName: this.resource.name,
          hashKey: props.partitionKey.name,
          ...(props.sortKey ? { rangeKey: props.sortKey.name } : {}),
          item: JSON.stringify(s.item),
        }),
    );
  }

  /** The table ARN, plus `<arn>/index/*` when the table has global secondary indexes. */
  private readResources(): string[] {
    return this.indexNames.length > 0 ? [this.arn, `${this.arn}/index/*`] : [this.arn];
  }

  /** The statement `grantReadData` adds. */
  readStatement(): PolicyStatement {
    return { actions: [...TABLE_READ_ACTIONS], resources: this.readResources() };
  }

  /** The statement `grantWriteData` adds: items are written through the table only, never an index. */
  writeStatement(): PolicyStatement {
    return { actions: [...TABLE_WRITE_ACTIONS], resources: [this.arn] };
  }

  /** GetItem, BatchGetItem, Query, Scan, ConditionCheckItem, DescribeTable on the table (and its indexes). */
  grantReadData(grantee: IGrantable): void {
    grantee.addToRolePolicy(this.readStatement());
  }

  /** PutItem, UpdateItem, DeleteItem, BatchWriteItem, DescribeTable on the table. */
  grantWriteData(grantee: IGrantable): void {
    grantee.addToRolePolicy(this.writeStatement());
  }

  /** Both: the read statement (table and indexes) and the write actions on the table. */
  grantReadWriteData(grantee: IGrantable): void {
    grantee.addToRolePolicy(this.readStatement());
    grantee.addToRolePolicy({
      actions: TABLE_WRITE_ACTIONS.filter((a) => !TABLE_READ_ACTIONS.includes(a)),
      resources: [this.arn],
    });
  }
}
