/**
 * The local S3 authenticates requests as S3 does: SigV4 signatures (header and presigned
 * URL) are recomputed with the key's secret, presigned URLs expire, and a private bucket
 * refuses anonymous requests.
 *
 * Expected codes, statuses and messages are S3's, as recorded from AWS in LocalStack's
 * tests/aws/services/s3/test_s3.snapshot.json (TestS3PresignedUrl:
 * test_presigned_url_signature_authentication "invalid-get-1"/"invalid-put-1" →
 * SignatureDoesNotMatch; test_presigned_url_signature_authentication_expired and
 * test_s3_presigned_url_expired[s3v4] → 403 AccessDenied "Request has expired" with
 * X-Amz-Expires, Expires and ServerTime; test_s3_put_presigned_url_missing_sig_param[s3v4] →
 * 400 AuthorizationQueryParametersError; test_s3_put_presigned_url_with_different_headers →
 * 403 SignatureDoesNotMatch; TestS3PresignedPost "exception-no-sig-related-fields" → 403
 * AccessDenied "Access Denied" for a request with no signature), and the S3 API
 * reference's "Error responses" list (AccessDenied 403, InvalidAccessKeyId 403,
 * SignatureDoesNotMatch 403).
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startS3rver, type SupervisedBackend } from "../../../scripts/local/backends/index.js";

const BUCKET = "private-bucket";
const KEY = "photos/a b+c.png";

/** `<Code>` and `<Message>` (and any other element) of an S3 XML error body. */
function xmlError(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/<([A-Za-z-]+)>([^<]*)<\/\1>/g)) out[m[1]!] = m[2]!;
  return out;
}

describe("local S3: request authentication", function () {
  let dir: string;
  let s3: SupervisedBackend;
  let client: S3Client;
  const client_ = (accessKeyId: string, secretAccessKey: string) =>
    new S3Client({ endpoint: s3.endpoint, region: "us-east-1", credentials: { accessKeyId, secretAccessKey }, forcePathStyle: true, maxAttempts: 1, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });

  async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number }> {
    try {
      await p;
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number } };
      return { name: e.name, status: e.$metadata?.httpStatusCode };
    }
    throw new Error("expected the request to fail");
  }

  before(async function () {
    dir = mkdtempSync(path.join(os.tmpdir(), "s3-auth-"));
    s3 = await startS3rver({ directory: dir, buckets: [BUCKET] });
    client = client_("local", "local");
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: "png bytes", ContentType: "image/png" }));
  });

  after(async function () {
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("header signatures", function () {
    it("accepts a request signed with a known key's secret, for each known key", async function () {
      for (const c of [client, client_("S3RVER", "S3RVER")]) {
        const out = await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
        expect(await out.Body!.transformToString()).to.equal("png bytes");
      }
    });

    it("refuses a known key signed with the wrong secret: 403 SignatureDoesNotMatch", async function () {
      expect(await failure(client_("local", "not-the-secret").send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY })))).to.deep.equal({ name: "SignatureDoesNotMatch", status: 403 });
    });

    it("refuses an access key it does not know: 403 InvalidAccessKeyId, and writes nothing", async function () {
      expect(await failure(client_("AKIAUNKNOWN", "x").send(new PutObjectCommand({ Bucket: BUCKET, Key: "intruder.txt", Body: "x" })))).to.deep.equal({ name: "InvalidAccessKeyId", status: 403 });
      expect(await failure(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "intruder.txt" })))).to.include({ name: "NoSuchKey" });
    });
  });

  describe("presigned URLs (SigV4 query authentication)", function () {
    it("serves a presigned GET, response overrides included", async function () {
      const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: KEY, ResponseContentDisposition: "attachment" }), { expiresIn: 60 });
      const res = await fetch(url);
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-disposition")).to.equal("attachment");
      expect(await res.text()).to.equal("png bytes");
    });

    it("refuses a presigned URL whose signature, key or expiry was altered: 403 SignatureDoesNotMatch", async function () {
      const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: KEY }), { expiresIn: 60 });
      const altered = [
        url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`),
        url.replace("a%20b%2Bc.png", "other.png"),
        url.replace("X-Amz-Expires=60", "X-Amz-Expires=6000"),
      ];
      for (const u of altered) {
        const res = await fetch(u);
        expect(res.status, u).to.equal(403);
        const body = xmlError(await res.text());
        expect(body).to.include({ Code: "SignatureDoesNotMatch", Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.", AWSAccessKeyId: "local" });
      }
    });

    it("refuses a presigned URL signed with a secret other than the key's", async function () {
      const url = await getSignedUrl(client_("local", "guessed"), new GetObjectCommand({ Bucket: BUCKET, Key: KEY }), { expiresIn: 60 });
      const res = await fetch(url);
      expect(res.status).to.equal(403);
      expect(xmlError(await res.text()).Code).to.equal("SignatureDoesNotMatch");
    });

    it("refuses an expired presigned URL: 403 AccessDenied \"Request has expired\" with X-Amz-Expires, Expires and ServerTime", async function () {
      const signed = new Date(Date.now() - 120_000);
      const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: KEY }), { expiresIn: 60, signingDate: signed });
      const res = await fetch(url);
      expect(res.status).to.equal(403);
      const body = xmlError(await res.text());
      expect(body).to.include({ Code: "AccessDenied", Message: "Request has expired", "X-Amz-Expires": "60" });
      expect(Date.parse(body.Expires!)).to.be.closeTo(signed.getTime() + 60_000, 1000);
      expect(Date.parse(body.ServerTime!)).to.be.closeTo(Date.now(), 60_000);
    });

    it("answers 400 AuthorizationQueryParametersError when a query-auth parameter is missing", async function () {
      const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: KEY }), { expiresIn: 60 });
      const res = await fetch(url.replace(/&?X-Amz-Signature=[0-9a-f]+/, ""));
      expect(res.status).to.equal(400);
      expect(xmlError(await res.text())).to.include({
        Code: "AuthorizationQueryParametersError",
        Message: "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
      });
    });

    it("accepts a presigned PUT with the signed content type and refuses one with another", async function () {
      const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: "upload.png", ContentType: "image/png" }), { expiresIn: 60, signableHeaders: new Set(["content-type"]) });
      const wrong = await fetch(url, { method: "PUT", body: "evil", headers: { "content-type": "text/html" } });
      expect(wrong.status).to.equal(403);
      expect(xmlError(await wrong.text()).Code).to.equal("SignatureDoesNotMatch");
      const ok = await fetch(url, { method: "PUT", body: "fine", headers: { "content-type": "image/png" } });
      expect(ok.status).to.equal(200);
      const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "upload.png" }));
      expect(await out.Body!.transformToString()).to.equal("fine");
    });
  });

  describe("anonymous requests", function () {
    it("refuses an anonymous read of a private bucket's object and listing: 403 AccessDenied \"Access Denied\"", async function () {
      for (const u of [`${s3.endpoint}/${BUCKET}/photos/a%20b%2Bc.png`, `${s3.endpoint}/${BUCKET}?list-type=2`, `${s3.endpoint}/`]) {
        const res = await fetch(u);
        expect(res.status, u).to.equal(403);
        expect(res.headers.get("content-type")).to.equal("application/xml");
        expect(xmlError(await res.text())).to.include({ Code: "AccessDenied", Message: "Access Denied" });
      }
    });

    it("refuses an anonymous write and stores nothing", async function () {
      const res = await fetch(`${s3.endpoint}/${BUCKET}/anonymous.txt`, { method: "PUT", body: "x" });
      expect(res.status).to.equal(403);
      expect(xmlError(await res.text()).Code).to.equal("AccessDenied");
      expect(await failure(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "anonymous.txt" })))).to.include({ name: "NoSuchKey" });
    });
  });
  it("answers a request target that is not a URL with S3's 400 InvalidURI, and serves on", async function () {
    const { port } = new URL(s3.endpoint);
    for (const method of ["OPTIONS", "GET", "PUT"]) {
      const reply = await new Promise<string>((resolve, reject) => {
        // write, not end: the supervisor's front (a TCP pipe) does not carry a half-closed request.
        const socket = connect(Number(port), "127.0.0.1", () => socket.write(`${method} http://[ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`));
        let data = "";
        socket.setEncoding("utf8").on("data", (c: string) => (data += c)).on("end", () => resolve(data)).on("error", reject);
      });
      expect(reply.split("\r\n")[0], method).to.equal("HTTP/1.1 400 Bad Request");
      const error = xmlError(reply.slice(reply.indexOf("<")));
      expect(error.Code, method).to.equal("InvalidURI");
      expect(error.Message!.replace(/&#39;/g, "'"), method).to.equal("Couldn't parse the specified URI.");
    }
    expect((await fetch(`${s3.endpoint}/${BUCKET}/x`)).status, "an anonymous read, as before").to.equal(403);
  });
});
