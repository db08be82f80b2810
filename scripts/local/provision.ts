/**
 * Creates what the stacks declare in the local back ends: DynamoDB tables (keys, indexes)
 * with their aws_dynamodb_table_item seeds, and S3 buckets. Idempotent, so a persisted
 * DynamoDB folder or S3 folder survives restarts.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, waitUntilTableExists, type AttributeValue, type CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { WORKER_CREDENTIALS } from "./backends/credentials";
import type { GatewayModel, TableModel } from "./model/types";

const credentials = WORKER_CREDENTIALS;

function projection(type: string, nonKey?: string[]) {
  return { ProjectionType: type as "ALL" | "KEYS_ONLY" | "INCLUDE", ...(type === "INCLUDE" && nonKey ? { NonKeyAttributes: nonKey } : {}) };
}

export function createTableInput(t: TableModel): CreateTableCommandInput {
  const used = new Set([t.hashKey, t.rangeKey, ...t.globalSecondaryIndexes.flatMap((g) => [g.hashKey, g.rangeKey]), ...t.localSecondaryIndexes.map((l) => l.rangeKey)].filter((x): x is string => !!x));
  return {
    TableName: t.name,
    BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: t.hashKey, KeyType: "HASH" }, ...(t.rangeKey ? [{ AttributeName: t.rangeKey, KeyType: "RANGE" as const }] : [])],
    AttributeDefinitions: t.attributes.filter((a) => used.has(a.name)).map((a) => ({ AttributeName: a.name, AttributeType: a.type as "S" | "N" | "B" })),
    ...(t.globalSecondaryIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: t.globalSecondaryIndexes.map((g) => ({
            IndexName: g.name,
            KeySchema: [{ AttributeName: g.hashKey, KeyType: "HASH" as const }, ...(g.rangeKey ? [{ AttributeName: g.rangeKey, KeyType: "RANGE" as const }] : [])],
            Projection: projection(g.projectionType, g.nonKeyAttributes),
          })),
        }
      : {}),
    ...(t.localSecondaryIndexes.length > 0
      ? {
          LocalSecondaryIndexes: t.localSecondaryIndexes.map((l) => ({
            IndexName: l.name,
            KeySchema: [
              { AttributeName: t.hashKey, KeyType: "HASH" as const },
              { AttributeName: l.rangeKey, KeyType: "RANGE" as const },
            ],
            Projection: projection(l.projectionType, l.nonKeyAttributes),
          })),
        }
      : {}),
    ...(t.streamEnabled ? { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } } : {}),
  };
}

export async function provision(model: GatewayModel, endpoints: { dynamodb: string; s3: string }): Promise<void> {
  const dynamo = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: "us-east-1", credentials });
  const s3 = new S3Client({ endpoint: endpoints.s3, region: "us-east-1", credentials, forcePathStyle: true });
  try {
    for (const table of model.tables) {
      let exists = false;
      try {
        await dynamo.send(new DescribeTableCommand({ TableName: table.name }));
        exists = true;
      } catch (error) {
        if ((error as Error).name !== "ResourceNotFoundException") throw error;
      }
      if (!exists) {
        await dynamo.send(new CreateTableCommand(createTableInput(table)));
        await waitUntilTableExists({ client: dynamo, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: table.name });
        for (const item of table.seeds) await dynamo.send(new PutItemCommand({ TableName: table.name, Item: item as Record<string, AttributeValue> }));
      }
    }
    for (const bucket of model.buckets) {
      try {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      } catch (error) {
        if (!["BucketAlreadyOwnedByYou", "BucketAlreadyExists"].includes((error as Error).name)) throw error;
      }
    }
  } finally {
    dynamo.destroy();
    s3.destroy();
  }
}
