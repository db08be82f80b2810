/**
 * SES API: a local mailbox in the gateway's own process (it reads the model's verified
 * identities on every request) that writes every accepted message to a folder.
 */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import path from "node:path";
import { BodyTooLarge, closeServer, counter, escapeXml, listen, readBody, xml, type LocalBackend } from "../http";
import { addressList, bareAddress, headerOf, isVerified, members, regionOf, renderEml, SesError, type MailMessage } from "./messages";

export type { MailMessage } from "./messages";

export interface SesMailboxOptions {
  /** Folder where `<id>.eml` and `<id>.json` are written. */
  readonly directory: string;
  /** Verified identities: email addresses and domains. Read on every request. */
  readonly identities: () => readonly string[] | ReadonlySet<string>;
}

export interface SesMailbox extends LocalBackend {
  messages(): Promise<MailMessage[]>;
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
      const raw = await readBody(req, 10 * 1024 * 1024 + 65536).catch((err: unknown) => {
        throw err instanceof BodyTooLarge ? new SesError(400, "MessageRejected", "Message length is more than 10 megabytes") : err;
      });
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
        req,
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
          req,
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

  return { endpoint, close: () => closeServer(server), stats: () => Promise.resolve(count.stats()), messages };
}
