import { expect } from "chai";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SESClient, SendEmailCommand, SendRawEmailCommand } from "@aws-sdk/client-ses";
import { SESv2Client, SendEmailCommand as SendEmailV2Command } from "@aws-sdk/client-sesv2";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, PutItemCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { startDynalite, startS3rver, startSesMailbox, type SesMailbox } from "../../scripts/local/backends/index.js";

describe("local back ends: SES mailbox", function () {
  let dir: string;
  let mailbox: SesMailbox;
  const identities = new Set<string>(["no-reply@system.edu.vn", "example.org"]);
  let v1: SESClient;
  let v2: SESv2Client;

  before(async function () {
    dir = mkdtempSync(path.join(os.tmpdir(), "mailbox-test-"));
    mailbox = await startSesMailbox({ directory: dir, identities: () => identities });
    v1 = new SESClient({ endpoint: mailbox.endpoint, region: "us-east-1" });
    v2 = new SESv2Client({ endpoint: mailbox.endpoint, region: "eu-west-1" });
  });

  after(async function () {
    await mailbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("accepts SendEmail from a verified address and writes <id>.eml and <id>.json", async function () {
    const out = await v1.send(
      new SendEmailCommand({
        Source: "no-reply@system.edu.vn",
        Destination: { ToAddresses: ["admin@system.edu.vn"], CcAddresses: ["cc@system.edu.vn"] },
        Message: { Subject: { Data: "Backup done" }, Body: { Text: { Data: "Items: 3\nSize: 10 bytes" } } },
      }),
    );
    expect(out.MessageId).to.be.a("string");
    const files = readdirSync(dir);
    expect(files).to.include(`${out.MessageId}.eml`).and.include(`${out.MessageId}.json`);
    const eml = readFileSync(path.join(dir, `${out.MessageId}.eml`), "utf8");
    expect(eml).to.contain("Subject: Backup done").and.contain("To: admin@system.edu.vn").and.contain("Items: 3");
    const [message] = (await mailbox.messages()).filter((m) => m.id === out.MessageId);
    expect(message).to.deep.include({ action: "SendEmail", source: "no-reply@system.edu.vn", to: ["admin@system.edu.vn"], cc: ["cc@system.edu.vn"], subject: "Backup done", region: "us-east-1" });
  });

  it("accepts a sender whose domain is a verified identity, via SendRawEmail", async function () {
    const raw = "From: reports@example.org\r\nTo: someone@example.com\r\nSubject: Raw hello\r\n\r\nBody text";
    const out = await v1.send(new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(raw) } }));
    const message = (await mailbox.messages()).find((m) => m.id === out.MessageId);
    expect(message).to.deep.include({ action: "SendRawEmail", source: "reports@example.org", to: ["someone@example.com"], subject: "Raw hello" });
    expect(readFileSync(path.join(dir, `${out.MessageId}.eml`), "utf8")).to.equal(raw);
  });

  it("accepts SESv2 SendEmail", async function () {
    const out = await v2.send(
      new SendEmailV2Command({
        FromEmailAddress: "no-reply@system.edu.vn",
        Destination: { ToAddresses: ["a@b.example"] },
        Content: { Simple: { Subject: { Data: "v2" }, Body: { Text: { Data: "plain" }, Html: { Data: "<p>html</p>" } } } },
      }),
    );
    const message = (await mailbox.messages()).find((m) => m.id === out.MessageId);
    expect(message).to.deep.include({ action: "v2.SendEmail", subject: "v2", text: "plain", html: "<p>html</p>", region: "eu-west-1" });
  });

  it("rejects unverified senders with SES's MessageRejected error in both APIs, writing nothing", async function () {
    const before = readdirSync(dir).length;
    let e1: Error | undefined;
    try {
      await v1.send(new SendEmailCommand({ Source: "x@unverified.example", Destination: { ToAddresses: ["a@b.example"] }, Message: { Subject: { Data: "s" }, Body: { Text: { Data: "t" } } } }));
    } catch (err) {
      e1 = err as Error;
    }
    expect(e1?.name).to.equal("MessageRejected");
    expect(e1?.message).to.equal("Email address is not verified. The following identities failed the check in region US-EAST-1: x@unverified.example");
    expect((e1 as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).to.equal(400);
    let e2: Error | undefined;
    try {
      await v2.send(new SendEmailV2Command({ FromEmailAddress: "x@sub.example.org.evil", Destination: { ToAddresses: ["a@b.example"] }, Content: { Simple: { Subject: { Data: "s" }, Body: { Text: { Data: "t" } } } } }));
    } catch (err) {
      e2 = err as Error;
    }
    expect(e2?.name).to.equal("MessageRejected");
    expect(e2?.message).to.match(/^Email address is not verified/);
    expect(readdirSync(dir).length).to.equal(before);
  });

  it("reads the identities on every request", async function () {
    identities.add("late@system.edu.vn");
    const out = await v1.send(new SendEmailCommand({ Source: "late@system.edu.vn", Destination: { ToAddresses: ["a@b.example"] }, Message: { Subject: { Data: "s" }, Body: { Text: { Data: "t" } } } }));
    expect(out.MessageId).to.be.a("string");
  });
});

describe("local back ends: dynalite and s3rver", function () {
  // One of the keys the local back ends know (scripts/local/backends/credentials.ts).
  const credentials = { accessKeyId: "local", secretAccessKey: "local" };

  it("keeps dynalite tables in a folder across restarts when given a path, and counts writes", async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), "dynalite-test-"));
    try {
      const first = await startDynalite({ path: dir });
      expect(first.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      const c1 = new DynamoDBClient({ endpoint: first.endpoint, region: "us-east-1", credentials });
      await c1.send(new CreateTableCommand({ TableName: "kept", KeySchema: [{ AttributeName: "k", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" }));
      await waitUntilTableExists({ client: c1, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: "kept" });
      await c1.send(new PutItemCommand({ TableName: "kept", Item: { k: { S: "1" } } }));
      expect((await first.stats()).writes).to.equal(2);
      await first.close();
      const second = await startDynalite({ path: dir });
      const c2 = new DynamoDBClient({ endpoint: second.endpoint, region: "us-east-1", credentials });
      expect((await c2.send(new ListTablesCommand({}))).TableNames).to.deep.equal(["kept"]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("serves pre-created buckets path-style to a known key, and counts writes", async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), "s3rver-test-"));
    const s3 = await startS3rver({ directory: dir, buckets: ["pre-made"] });
    try {
      const client = new S3Client({ endpoint: s3.endpoint, region: "us-east-1", credentials, forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
      await client.send(new PutObjectCommand({ Bucket: "pre-made", Key: "a/b.txt", Body: "hello" }));
      const out = await client.send(new GetObjectCommand({ Bucket: "pre-made", Key: "a/b.txt" }));
      expect(await out.Body!.transformToString()).to.equal("hello");
      expect((await s3.stats()).writes).to.equal(1);
    } finally {
      await s3.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("s3rver conditional writes (If-None-Match)", function () {
    let dir: string;
    let s3: Awaited<ReturnType<typeof startS3rver>>;
    let client: S3Client;
    const bucket = "conditional";

    before(async function () {
      dir = mkdtempSync(path.join(os.tmpdir(), "s3rver-conditional-"));
      s3 = await startS3rver({ directory: dir, buckets: [bucket] });
      client = new S3Client({ endpoint: s3.endpoint, region: "us-east-1", credentials, forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
    });

    after(async function () {
      await s3.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
      try {
        await p;
      } catch (err) {
        const e = err as Error & { $metadata?: { httpStatusCode?: number } };
        return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
      }
      throw new Error("expected the request to fail");
    }

    const text = async (key: string) => (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();

    it("PutObject with If-None-Match: * writes a new key (200) and refuses an existing one with 412 PreconditionFailed", async function () {
      const created = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "put/new.txt", Body: "first", IfNoneMatch: "*" }));
      expect(created.$metadata.httpStatusCode).to.equal(200);
      expect(created.ETag).to.be.a("string");
      const refused = await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: "put/new.txt", Body: "second", IfNoneMatch: "*" })));
      expect(refused).to.include({ name: "PreconditionFailed", status: 412 });
      expect(refused.message).to.equal("At least one of the pre-conditions you specified did not hold");
      expect(await text("put/new.txt")).to.equal("first");
      // Without the condition the write is unconditional, as on S3.
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: "put/new.txt", Body: "third" }));
      expect(await text("put/new.txt")).to.equal("third");
    });

    it("lets exactly one of N concurrent conditional PutObjects on a new key win", async function () {
      const n = 10;
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) => client.send(new PutObjectCommand({ Bucket: bucket, Key: "put/raced.txt", Body: `writer ${i}`, IfNoneMatch: "*" }))),
      );
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      expect(won).to.have.length(1);
      for (const r of results) if (r.status === "rejected") expect((r.reason as Error).name).to.equal("PreconditionFailed");
      expect(await text("put/raced.txt")).to.equal(`writer ${won[0]}`);
    });

    it("CompleteMultipartUpload with If-None-Match: * refuses an existing key with 412 and leaves the upload open", async function () {
      const key = "mpu/doc.json";
      const upload = async (body: string) => {
        const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
        const { ETag } = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: body }));
        return { UploadId: UploadId!, complete: () => client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, IfNoneMatch: "*", MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } })) };
      };
      const first = await upload("one");
      const second = await upload("two");
      expect((await first.complete()).$metadata.httpStatusCode).to.equal(200);
      expect(await failure(second.complete())).to.include({ name: "PreconditionFailed", status: 412 });
      expect(await text(key)).to.equal("one");
      const open = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      expect((open.Uploads ?? []).map((u) => u.UploadId)).to.deep.equal([second.UploadId]);
    });

    it("answers 501 NotImplemented for If-None-Match values other than * and for If-Match, writing nothing", async function () {
      expect(await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: "put/etag.txt", Body: "x", IfNoneMatch: '"abc"' })))).to.include({ name: "NotImplemented", status: 501 });
      expect(await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: "put/etag.txt", Body: "x", IfMatch: '"abc"' })))).to.include({ name: "NotImplemented", status: 501 });
      expect(await failure(text("put/etag.txt"))).to.include({ name: "NoSuchKey" });
    });
  });
});
