/**
 * Local back ends shared by the handler tests, the benchmarks and the local gateway:
 * DynamoDB (dynalite), S3 (s3rver, path-style, with conditional writes added) and an SES
 * mailbox that writes every accepted message to a folder. Everything listens on 127.0.0.1 with an OS-chosen port.
 *
 * This file never imports modules/: the local gateway knows only synthesized Terraform.
 */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** Counters kept by each back end: successful write requests and all requests. */
export interface BackendStats {
  /** Requests that changed (or could have changed) state and succeeded (status < 300). */
  readonly writes: number;
  readonly requests: number;
}

export interface LocalBackend {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  close(): Promise<void>;
  stats(): BackendStats;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

function counter(isWrite: (req: http.IncomingMessage) => boolean) {
  let writes = 0;
  let requests = 0;
  return {
    track(req: http.IncomingMessage, res: http.ServerResponse): void {
      requests += 1;
      const write = isWrite(req);
      if (write) res.once("finish", () => (res.statusCode < 300 ? (writes += 1) : undefined));
    },
    stats: (): BackendStats => ({ writes, requests }),
  };
}

// ---------------------------------------------------------------------------------------
// DynamoDB
// ---------------------------------------------------------------------------------------

const DYNAMODB_WRITES = new Set([
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "TransactWriteItems",
  "CreateTable",
  "DeleteTable",
  "UpdateTable",
]);

export interface DynaliteOptions {
  /** LevelDB folder; in memory when absent. */
  readonly path?: string;
}

/** Starts dynalite on 127.0.0.1 with table state changes taking no time. */
export async function startDynalite(options: DynaliteOptions = {}): Promise<LocalBackend> {
  const dynalite = require("dynalite") as (opts: Record<string, unknown>) => http.Server;
  const server = dynalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const count = counter((req) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    return DYNAMODB_WRITES.has(target.slice(target.indexOf(".") + 1));
  });
  server.prependListener("request", (req, res) => count.track(req, res));
  const endpoint = await listen(server);
  return { endpoint, close: () => closeServer(server), stats: count.stats };
}

// ---------------------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------------------

export interface S3rverOptions {
  /** Folder where s3rver keeps buckets and objects. */
  readonly directory: string;
  /** Buckets created before the server starts answering. */
  readonly buckets?: readonly string[];
}

interface S3rverApp {
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  configureBuckets(): Promise<unknown>;
  readonly store: { existsObject(bucket: string, key: string): Promise<boolean> };
}

const UPLOADS_DIR = "._S3rver_uploads";

function xml(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/xml", "x-amz-request-id": randomUUID() });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function s3Error(res: http.ServerResponse, status: number, code: string, message: string): void {
  xml(res, status, `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`);
}

/**
 * s3rver 3.7 implements multipart upload but neither ListMultipartUploads nor
 * AbortMultipartUpload; both are answered here from s3rver's own upload folders, so a
 * client can abort an upload and a test can see that none is left open.
 */
async function multipartExtension(
  directory: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const segments = url.pathname.split("/").filter((s) => s.length > 0);
  const bucket = segments[0] === undefined ? undefined : decodeURIComponent(segments[0]);
  if (bucket === undefined || bucket.includes("..") || bucket.includes("/")) return false;
  const uploadsDir = path.join(directory, bucket, UPLOADS_DIR);
  if (req.method === "GET" && segments.length === 1 && url.searchParams.has("uploads")) {
    try {
      await fs.access(path.join(directory, bucket));
    } catch {
      s3Error(res, 404, "NoSuchBucket", "The specified bucket does not exist");
      return true;
    }
    const ids = await fs.readdir(uploadsDir).catch(() => [] as string[]);
    const uploads: string[] = [];
    for (const id of ids.sort()) {
      const key = await fs.readFile(path.join(uploadsDir, id, "key"), "utf8").catch(() => undefined);
      if (key === undefined) continue;
      uploads.push(`<Upload><Key>${escapeXml(key)}</Key><UploadId>${escapeXml(id)}</UploadId></Upload>`);
    }
    xml(
      res,
      200,
      `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escapeXml(bucket)}</Bucket>` +
        `<IsTruncated>false</IsTruncated>${uploads.join("")}</ListMultipartUploadsResult>`,
    );
    return true;
  }
  const uploadId = url.searchParams.get("uploadId");
  if (req.method === "DELETE" && segments.length > 1 && uploadId !== null) {
    if (!/^[0-9a-f]+$/.test(uploadId)) {
      s3Error(res, 404, "NoSuchUpload", "The specified upload does not exist.");
      return true;
    }
    const dir = path.join(uploadsDir, uploadId);
    try {
      await fs.access(dir);
    } catch {
      s3Error(res, 404, "NoSuchUpload", "The specified upload does not exist.");
      return true;
    }
    await fs.rm(dir, { recursive: true, force: true });
    res.writeHead(204, { "x-amz-request-id": randomUUID() });
    res.end();
    return true;
  }
  return false;
}

/** A request that creates, replaces or deletes one object: these are serialized per key. */
interface ObjectWrite {
  readonly kind: "PutObject" | "CopyObject" | "CompleteMultipartUpload" | "DeleteObject";
  readonly bucket: string;
  readonly key: string;
}

/** Query parameters that make a PUT something other than PutObject / CopyObject. */
const PUT_SUBRESOURCES = ["uploadId", "partNumber", "tagging", "acl", "retention", "legal-hold", "torrent"];

function objectWrite(req: http.IncomingMessage): ObjectWrite | undefined {
  const url = new URL(req.url ?? "/", "http://localhost");
  const [first, ...rest] = url.pathname.split("/").filter((s) => s.length > 0);
  if (first === undefined || rest.length === 0) return undefined;
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(first);
    key = rest.map((s) => decodeURIComponent(s)).join("/") + (url.pathname.endsWith("/") ? "/" : "");
  } catch {
    return undefined; // malformed escapes: s3rver answers for itself
  }
  const q = url.searchParams;
  if (req.method === "PUT" && !PUT_SUBRESOURCES.some((name) => q.has(name))) {
    return { kind: "x-amz-copy-source" in req.headers ? "CopyObject" : "PutObject", bucket, key };
  }
  if (req.method === "POST" && q.has("uploadId")) return { kind: "CompleteMultipartUpload", bucket, key };
  if (req.method === "DELETE" && !q.has("uploadId") && !q.has("tagging")) return { kind: "DeleteObject", bucket, key };
  return undefined;
}

/** FIFO locks by name: `await acquire(name)` resolves, with its release, once every earlier holder has released. */
function locks(): (name: string) => Promise<() => void> {
  const tails = new Map<string, Promise<void>>();
  return async (name) => {
    const previous = tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    tails.set(name, tail);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (tails.get(name) === tail) tails.delete(name);
    };
  };
}

/** Reads and discards a request body, so that an early error answer reaches the client intact. */
function drain(req: http.IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    req.once("end", resolve);
    req.once("error", () => resolve());
    req.resume();
  });
}

/**
 * s3rver 3.7 ignores `If-None-Match` on writes. S3 honours `If-None-Match: *` on PutObject
 * and CompleteMultipartUpload: the write fails with 412 PreconditionFailed when the key
 * exists (a failed CompleteMultipartUpload leaves the upload open, as on S3). Other
 * values, and `If-Match`, are answered 501 NotImplemented instead of being ignored. The
 * caller holds the key's lock, so the check and the write are atomic in this process.
 * Returns true when the request was answered here.
 */
async function refuseConditionalWrite(
  app: S3rverApp,
  write: ObjectWrite,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<boolean> {
  if (write.kind !== "PutObject" && write.kind !== "CompleteMultipartUpload") return false;
  const ifNoneMatch = req.headers["if-none-match"];
  const ifMatch = req.headers["if-match"];
  if (ifNoneMatch === undefined && ifMatch === undefined) return false;
  const header = ifNoneMatch === undefined ? "If-Match" : "If-None-Match";
  if (ifMatch !== undefined || ifNoneMatch?.trim() !== "*") {
    await drain(req);
    xml(
      res,
      501,
      `<Error><Code>NotImplemented</Code><Message>A header you provided implies functionality that is not implemented</Message>` +
        `<Header>${header}</Header><RequestId>${randomUUID()}</RequestId></Error>`,
    );
    return true;
  }
  if (!(await app.store.existsObject(write.bucket, write.key))) return false;
  await drain(req);
  xml(
    res,
    412,
    `<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message>` +
      `<Condition>If-None-Match</Condition><RequestId>${randomUUID()}</RequestId></Error>`,
  );
  return true;
}

/** Starts s3rver on 127.0.0.1: silent, path-style only, credentials not checked. */
export async function startS3rver(options: S3rverOptions): Promise<LocalBackend> {
  const S3rver = require("s3rver") as new (opts: Record<string, unknown>) => S3rverApp;
  await fs.mkdir(options.directory, { recursive: true });
  const app = new S3rver({
    directory: options.directory,
    silent: true,
    vhostBuckets: false,
    allowMismatchedSignatures: true,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  await app.configureBuckets();
  const handle = app.callback();
  // s3rver knows one access key (S3RVER) and does not check SigV4 signatures; a local S3
  // should accept whatever credentials the SDK found, so each new key id joins its account.
  const accounts = require("s3rver/lib/models/account.js") as {
    registry: Map<string, unknown>;
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  const acceptKey = (req: http.IncomingMessage): void => {
    const auth = String(req.headers.authorization ?? "");
    const fromHeader = /Credential=([^/,\s]+)\//.exec(auth)?.[1] ?? /^AWS ([^:]+):/.exec(auth)?.[1];
    const url = req.url ?? "";
    const q = url.indexOf("?");
    const params = new URLSearchParams(q >= 0 ? url.slice(q + 1) : "");
    const fromQuery = params.get("X-Amz-Credential")?.split("/")[0] ?? params.get("AWSAccessKeyId") ?? undefined;
    const id = fromHeader ?? fromQuery;
    if (id !== undefined && id !== "" && !accounts.registry.has(id)) accounts.DUMMY_ACCOUNT.createKeyPair(id, "local");
  };
  const count = counter((req) => req.method === "PUT" || req.method === "POST" || req.method === "DELETE");
  const lock = locks();
  const server = http.createServer((req, res) => {
    count.track(req, res);
    acceptKey(req);
    (async () => {
      if (await multipartExtension(options.directory, req, res)) return;
      const write = objectWrite(req);
      if (write === undefined) return handle(req, res);
      // One write per key at a time, held until the answer is sent: s3rver has stored the
      // object by then, so the next conditional write on the key sees it.
      const release = await lock(`${write.bucket}/${write.key}`);
      res.once("close", release);
      if (res.writableEnded || res.destroyed || req.socket.destroyed) return release();
      if (await refuseConditionalWrite(app, write, req, res)) return;
      handle(req, res);
    })().catch((err: unknown) => {
      if (res.headersSent) res.destroy();
      else s3Error(res, 500, "InternalError", String(err));
    });
  });
  const endpoint = await listen(server);
  return { endpoint, close: () => closeServer(server), stats: count.stats };
}

// ---------------------------------------------------------------------------------------
// SES
// ---------------------------------------------------------------------------------------

/** One message accepted by the mailbox, as stored in `<id>.json`. */
export interface MailMessage {
  readonly id: string;
  /** `SendEmail`, `SendRawEmail` (SES v1) or `v2.SendEmail` (SESv2). */
  readonly action: "SendEmail" | "SendRawEmail" | "v2.SendEmail";
  readonly region: string;
  readonly source: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  /** ISO timestamp at which the mailbox accepted the message. */
  readonly sentAt: string;
  /** Sequence number: the order in which messages were accepted. */
  readonly seq: number;
}

export interface SesMailboxOptions {
  /** Folder where `<id>.eml` and `<id>.json` are written. */
  readonly directory: string;
  /** Verified identities: email addresses and domains. Read on every request. */
  readonly identities: () => readonly string[] | ReadonlySet<string>;
}

export interface SesMailbox extends LocalBackend {
  messages(): Promise<MailMessage[]>;
}

class SesError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SesError";
  }
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new SesError(400, "MessageRejected", "Message length is more than 10 megabytes"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function regionOf(req: http.IncomingMessage): string {
  const auth = String(req.headers.authorization ?? "");
  const match = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(auth);
  return match?.[1] ?? "us-east-1";
}

/** `"Name" <a@b.c>` → `a@b.c` */
function bareAddress(address: string): string {
  const angle = /<([^>]+)>/.exec(address);
  return (angle?.[1] ?? address).trim();
}

function isVerified(address: string, identities: readonly string[] | ReadonlySet<string>): boolean {
  const email = bareAddress(address).toLowerCase();
  const at = email.lastIndexOf("@");
  if (at <= 0) return false;
  const domain = email.slice(at + 1);
  for (const identity of identities) {
    const id = identity.toLowerCase();
    if (id === email || id === domain) return true;
  }
  return false;
}

function members(params: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${prefix}.member.${i}`); i += 1) out.push(params.get(`${prefix}.member.${i}`) ?? "");
  return out;
}

function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}

function addressList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function renderEml(m: Omit<MailMessage, "seq">): string {
  const lines = [
    `Message-ID: <${m.id}@mailbox.local>`,
    `Date: ${new Date(m.sentAt).toUTCString()}`,
    `From: ${m.source}`,
    `To: ${m.to.join(", ")}`,
    ...(m.cc.length > 0 ? [`Cc: ${m.cc.join(", ")}`] : []),
    `Subject: ${m.subject ?? ""}`,
    "MIME-Version: 1.0",
  ];
  if (m.text !== undefined && m.html !== undefined) {
    const boundary = `b-${m.id}`;
    return [
      ...lines,
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      "",
      `--${boundary}`,
      "Content-Type: text/plain; charset=UTF-8",
      "",
      m.text,
      `--${boundary}`,
      "Content-Type: text/html; charset=UTF-8",
      "",
      m.html,
      `--${boundary}--`,
      "",
    ].join("\r\n");
  }
  const html = m.text === undefined && m.html !== undefined;
  return [...lines, `Content-Type: text/${html ? "html" : "plain"}; charset=UTF-8`, "", (html ? m.html : m.text) ?? "", ""].join(
    "\r\n",
  );
}

/**
 * A local SES endpoint: SES v1 (`Action=SendEmail` / `SendRawEmail`, query protocol) and
 * SESv2 (`POST /v2/email/outbound-emails`). Point `AWS_ENDPOINT_URL_SES` (v1) or
 * `AWS_ENDPOINT_URL_SESV2` (v2) at `endpoint`. A sender that is not a declared identity
 * (address or domain) is refused with SES's own `MessageRejected`, status 400.
 */
export async function startSesMailbox(options: SesMailboxOptions): Promise<SesMailbox> {
  await fs.mkdir(options.directory, { recursive: true });
  let seq = 0;
  const count = counter(() => true);

  function checkSender(source: string, region: string): void {
    if (!isVerified(source, options.identities())) {
      throw new SesError(
        400,
        "MessageRejected",
        `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${bareAddress(source)}`,
      );
    }
  }

  async function store(message: Omit<MailMessage, "id" | "sentAt" | "seq">, raw?: Buffer): Promise<string> {
    const id = `${Date.now().toString(36)}-${randomUUID()}`;
    seq += 1;
    const full: MailMessage = { ...message, id, sentAt: new Date().toISOString(), seq };
    await fs.writeFile(path.join(options.directory, `${id}.eml`), raw ?? renderEml(full));
    await fs.writeFile(path.join(options.directory, `${id}.json`), `${JSON.stringify(full, null, 2)}\n`);
    return id;
  }

  async function v1(params: URLSearchParams, region: string): Promise<string> {
    const action = params.get("Action");
    if (action === "SendEmail") {
      const source = params.get("Source") ?? "";
      const to = members(params, "Destination.ToAddresses");
      const cc = members(params, "Destination.CcAddresses");
      const bcc = members(params, "Destination.BccAddresses");
      const subject = params.get("Message.Subject.Data");
      const text = params.get("Message.Body.Text.Data") ?? undefined;
      const html = params.get("Message.Body.Html.Data") ?? undefined;
      if (source === "") throw new SesError(400, "InvalidParameterValue", "Missing required parameter: Source");
      if (to.length + cc.length + bcc.length === 0) throw new SesError(400, "InvalidParameterValue", "Missing final '@domain'");
      if (subject === null) throw new SesError(400, "InvalidParameterValue", "Missing required parameter: Message.Subject");
      if (text === undefined && html === undefined) throw new SesError(400, "InvalidParameterValue", "Missing required parameter: Message.Body");
      checkSender(source, region);
      return store({ action, region, source, to, cc, bcc, subject, text, html });
    }
    if (action === "SendRawEmail") {
      const data = params.get("RawMessage.Data");
      if (data === null) throw new SesError(400, "InvalidParameterValue", "Missing required parameter: RawMessage.Data");
      const raw = Buffer.from(data, "base64");
      const text = raw.toString("utf8");
      const source = params.get("Source") ?? headerOf(text, "from") ?? "";
      const destinations = members(params, "Destinations");
      const to = destinations.length > 0 ? destinations : addressList(headerOf(text, "to"));
      const cc = destinations.length > 0 ? [] : addressList(headerOf(text, "cc"));
      if (source === "") throw new SesError(400, "InvalidParameterValue", "Missing required header 'From'.");
      if (to.length + cc.length === 0) throw new SesError(400, "InvalidParameterValue", "Missing final '@domain'");
      checkSender(source, region);
      const body = text.split(/\r?\n\r?\n/).slice(1).join("\n\n");
      return store({ action, region, source, to, cc, bcc: [], subject: headerOf(text, "subject"), text: body }, raw);
    }
    throw new SesError(400, "InvalidAction", `The action ${action ?? "(none)"} is not valid for this web service.`);
  }

  interface V2Body {
    FromEmailAddress?: string;
    Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
    Content?: {
      Simple?: { Subject?: { Data?: string }; Body?: { Text?: { Data?: string }; Html?: { Data?: string } } };
      Raw?: { Data?: string };
    };
  }

  async function v2(body: V2Body, region: string): Promise<string> {
    const to = body.Destination?.ToAddresses ?? [];
    const cc = body.Destination?.CcAddresses ?? [];
    const bcc = body.Destination?.BccAddresses ?? [];
    const rawData = body.Content?.Raw?.Data;
    if (rawData !== undefined) {
      const raw = Buffer.from(rawData, "base64");
      const text = raw.toString("utf8");
      const source = body.FromEmailAddress ?? headerOf(text, "from") ?? "";
      if (source === "") throw new SesError(400, "BadRequestException", "Missing required header 'From'.");
      checkSender(source, region);
      const rto = to.length > 0 ? to : addressList(headerOf(text, "to"));
      const bodyText = text.split(/\r?\n\r?\n/).slice(1).join("\n\n");
      return store({ action: "v2.SendEmail", region, source, to: rto, cc, bcc, subject: headerOf(text, "subject"), text: bodyText }, raw);
    }
    const simple = body.Content?.Simple;
    const source = body.FromEmailAddress ?? "";
    if (source === "") throw new SesError(400, "BadRequestException", "FromEmailAddress is required.");
    if (simple === undefined) throw new SesError(400, "BadRequestException", "Content is required.");
    if (to.length + cc.length + bcc.length === 0) throw new SesError(400, "BadRequestException", "Destination is required.");
    checkSender(source, region);
    return store({
      action: "v2.SendEmail",
      region,
      source,
      to,
      cc,
      bcc,
      subject: simple.Subject?.Data ?? "",
      text: simple.Body?.Text?.Data,
      html: simple.Body?.Html?.Data,
    });
  }

  const server = http.createServer((req, res) => {
    count.track(req, res);
    const requestId = randomUUID();
    const isV2 = (req.url ?? "").startsWith("/v2/email/outbound-emails");
    const region = regionOf(req);
    (async () => {
      const raw = await readBody(req, 10 * 1024 * 1024 + 65536);
      if (isV2) {
        if (req.method !== "POST") throw new SesError(404, "NotFoundException", "Not found");
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw.toString("utf8"));
        } catch {
          throw new SesError(400, "BadRequestException", "Request body is not valid JSON.");
        }
        if (typeof parsed !== "object" || parsed === null) throw new SesError(400, "BadRequestException", "Request body must be an object.");
        const id = await v2(parsed as V2Body, region);
        res.writeHead(200, { "content-type": "application/json", "x-amzn-requestid": requestId });
        res.end(JSON.stringify({ MessageId: id }));
        return;
      }
      const params = new URLSearchParams(raw.toString("utf8"));
      const action = params.get("Action") ?? "";
      const id = await v1(params, region);
      xml(
        res,
        200,
        `<${action}Response xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><${action}Result><MessageId>${id}</MessageId></${action}Result>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
      );
    })().catch((err: unknown) => {
      const e = err instanceof SesError ? err : new SesError(500, "InternalFailure", String(err));
      if (res.headersSent) return;
      if (isV2) {
        res.writeHead(e.status, {
          "content-type": "application/json",
          "x-amzn-errortype": e.code,
          "x-amzn-requestid": requestId,
        });
        res.end(JSON.stringify({ message: e.message }));
      } else {
        xml(
          res,
          e.status,
          `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>${e.code}</Code>` +
            `<Message>${escapeXml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
      }
    });
  });
  const endpoint = await listen(server);

  async function messages(): Promise<MailMessage[]> {
    const files = (await fs.readdir(options.directory)).filter((f) => f.endsWith(".json"));
    const all = await Promise.all(
      files.map(async (f) => JSON.parse(await fs.readFile(path.join(options.directory, f), "utf8")) as MailMessage),
    );
    return all.sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.seq - b.seq);
  }

  return { endpoint, close: () => closeServer(server), stats: count.stats, messages };
}
