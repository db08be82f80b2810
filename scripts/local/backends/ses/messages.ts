/**
 * The SES mailbox's messages: what is stored per accepted message, and the MIME helpers
 * that read addresses and headers from requests and render a stored `.eml`.
 */
import type http from "node:http";

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

export class SesError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SesError";
  }
}

export function regionOf(req: http.IncomingMessage): string {
  const auth = String(req.headers.authorization ?? "");
  const match = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(auth);
  return match?.[1] ?? "us-east-1";
}

/** `"Name" <a@b.c>` → `a@b.c` */
export function bareAddress(address: string): string {
  const angle = /<([^>]+)>/.exec(address);
  return (angle?.[1] ?? address).trim();
}

export function isVerified(address: string, identities: readonly string[] | ReadonlySet<string>): boolean {
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

export function members(params: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${prefix}.member.${i}`); i += 1) out.push(params.get(`${prefix}.member.${i}`) ?? "");
  return out;
}

export function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}

export function addressList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function renderEml(m: Omit<MailMessage, "seq">): string {
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
