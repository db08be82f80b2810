// A bundled handler's SDK clients take credentials from the Lambda environment only
// (modules/nodejs-function/lambda-credentials.mjs, aliased for @aws-sdk/credential-provider-node
// in esbuild-options.ts). Run for real: the bundle against local DynamoDB in a fresh process.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { bundleFunction, findProjectRoot, type FunctionBundle } from "../../modules/nodejs-function/bundle";
import { backends, createTableFrom, uniqueName } from "../support/backends";
import { DYNAMO_FIXTURE } from "./support";

const root = findProjectRoot();

/**
 * Runs the bundle's handler once in a new Node process with exactly `env`; its answer or its
 * error's name. Asynchronous: the local DynamoDB answers from this process's event loop.
 */
async function invoke(bundleFile: string, env: Record<string, string>): Promise<{ statusCode?: number; error?: string; message?: string }> {
  const script = `import(${JSON.stringify(pathToFileURL(bundleFile).href)})
    .then((m) => m.handler({ pathParameters: { id: "7" } }))
    .then((r) => console.log(JSON.stringify(r)), (e) => console.log(JSON.stringify({ error: e.name, message: e.message })));`;
  const { stdout: out } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { env, encoding: "utf8", timeout: 20_000 });
  return JSON.parse(out.trim().split("\n").pop()!) as { statusCode?: number; error?: string; message?: string };
}

describe("nodejs-function: SDK credentials in a bundle come from the Lambda environment", function () {
  let buildRoot: string;
  let home: string;
  let bundle: FunctionBundle;
  let bundleFile: string;
  let base: Record<string, string>;

  before(async function () {
    const b = await backends();
    buildRoot = mkdtempSync(path.join(root, ".build", "test-credentials-"));
    bundle = bundleFunction({ entry: DYNAMO_FIXTURE, projectRoot: root, buildRoot });
    bundleFile = path.join(bundle.dir, "index.mjs");
    const table = await createTableFrom({
      TableName: uniqueName("creds"),
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    await b.ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "7" }, name: { S: "seven" } } }));
    // A home with a default profile: the SDK's full chain would find credentials here.
    home = mkdtempSync(path.join(os.tmpdir(), "credentials-home-"));
    writeFileSync(path.join(home, "credentials"), "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n");
    base = {
      PATH: process.env.PATH ?? "",
      HOME: home,
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_DYNAMODB: b.dynamodb.endpoint,
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, "credentials"),
      AWS_CONFIG_FILE: path.join(home, "config"),
      AWS_EC2_METADATA_DISABLED: "true",
      TABLE_NAME: table,
    };
  });

  after(function () {
    rmSync(buildRoot, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it("bundles the environment provider in place of the default chain and its STS and SSO clients", function () {
    const used = Object.keys(Object.values(bundle.metafile.outputs)[0]!.inputs);
    expect(used).to.include("modules/nodejs-function/lambda-credentials.mjs");
    expect(used.some((f) => f.startsWith("node_modules/@aws-sdk/credential-provider-env/"))).to.equal(true);
    for (const gone of ["credential-provider-node", "credential-provider-ini", "credential-provider-sso", "credential-provider-web-identity", "nested-clients"]) {
      expect(used.filter((f) => f.startsWith(`node_modules/@aws-sdk/${gone}/`)), gone).to.deep.equal([]);
    }
  });

  it("signs with the credentials Lambda sets in the environment, session token included", async function () {
    const res = await invoke(bundleFile, { ...base, AWS_ACCESS_KEY_ID: "AKIDLAMBDA", AWS_SECRET_ACCESS_KEY: "lambda-secret", AWS_SESSION_TOKEN: "lambda-token" });
    expect(res).to.include({ statusCode: 200 });
  });

  it("reads no profile: without the environment's credentials the client fails, naming them", async function () {
    const res = await invoke(bundleFile, base);
    expect(res.error).to.equal("CredentialsProviderError");
    expect(res.message).to.match(/environment variable/i);
  });
});
