import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
const db = new DynamoDBClient({});
export const handler = async (event) => {
  const name = event.pathParameters.name;
  await db.send(new PutItemCommand({ TableName: process.env.TABLE_NAME, Item: { id: { S: name }, greeting: { S: `hello, ${name}` } } }));
  const got = await db.send(new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { id: { S: name } } }));
  return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ greeting: got.Item.greeting.S }) };
};
