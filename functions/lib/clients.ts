/**
 * AWS SDK client factories. Handlers call these once, at module scope. The SDK honours
 * `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_SES` and `AWS_ENDPOINT_URL_LAMBDA` by itself;
 * S3 switches to path-style (and checksums only where required) when its endpoint is
 * overridden, which is what local S3 servers understand.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SESClient } from "@aws-sdk/client-ses";
import { LambdaClient } from "@aws-sdk/client-lambda";

export function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient({});
}

export function documentClient(client: DynamoDBClient = dynamoClient()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

export function s3Client(): S3Client {
  const local = !!process.env.AWS_ENDPOINT_URL_S3;
  return new S3Client({
    forcePathStyle: local,
    ...(local ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" } : {}),
  });
}

export function sesClient(): SESClient {
  return new SESClient({});
}

export function lambdaClient(): LambdaClient {
  return new LambdaClient({});
}
