/**
 * S3 request authentication, as S3 does it, for the local S3: SigV4 in the `Authorization`
 * header or in the query string (presigned URLs), each signature recomputed with
 * `@smithy/signature-v4` from the secret of the access key it names and compared; a
 * presigned URL past `X-Amz-Date + X-Amz-Expires` is refused; a request with no
 * authentication at all is an anonymous one, which no local bucket allows (every bucket is
 * private, as an S3 bucket is by default), except CORS preflights.
 *
 * Error codes, statuses and messages are S3's (the S3 API reference's "Error responses",
 * and the responses recorded from S3 in LocalStack's tests/aws/services/s3/test_s3.snapshot.json,
 * TestS3PresignedUrl). Not checked: that the body matches `x-amz-content-sha256`, chunk
 * signatures of `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` bodies, SigV2 (refused).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AccessKey } from "../credentials";

export interface AuthFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly extra?: Record<string, string>;
}

export type AuthResult =
  | { readonly kind: "anonymous" }
  /** Verified; `accessKeyId` is where the key id sits in the request (header or query). */
  | { readonly kind: "signed"; readonly accessKeyId: string; readonly via: "header" | "query" }
  | { readonly kind: "refused"; readonly failure: AuthFailure };

const MISMATCH = "The request signature we calculated does not match the signature you provided. Check your key and signing method.";
const QUERY_PARAMS = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"];
const MAX_EXPIRES = 604_800;
/** S3 refuses a header-signed request whose date is more than 15 minutes from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const bytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === "string" ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

const refused = (status: number, code: string, message: string, extra?: Record<string, string>): AuthResult => ({ kind: "refused", failure: { status, code, message, extra } });

/** The query string as decoded name → value(s), `+` kept literally, in the order sent. */
function parseQuery(rawQuery: string): Record<string, string | string[]> | undefined {
  const query: Record<string, string | string[]> = {};
  if (rawQuery === "") return query;
  try {
    for (const part of rawQuery.split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
      const prev = query[name];
      query[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  } catch {
    return undefined;
  }
  return query;
}

/** `20130524T000000Z` → Date */
function amzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

interface Scope {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

/** `AKID/20130524/us-east-1/s3/aws4_request` */
function parseCredential(credential: string): Scope | undefined {
  const parts = credential.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request" || !/^\d{8}$/.test(parts[1]!)) return undefined;
  return { accessKeyId: parts[0]!, region: parts[2]!, service: parts[3]! };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function signedHeaderValues(req: http.IncomingMessage, names: readonly string[]): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = req.headers[name];
    if (value === undefined) return undefined;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  return headers;
}

export class S3Authenticator {
  private readonly secrets: Map<string, string>;

  constructor(keys: readonly AccessKey[], private readonly now: () => number = Date.now) {
    this.secrets = new Map(keys.map((k) => [k.accessKeyId, k.secretAccessKey]));
  }

  private signer(scope: Scope, secret: string): SignatureV4 {
    return new SignatureV4({
      service: scope.service,
      region: scope.region,
      credentials: { accessKeyId: scope.accessKeyId, secretAccessKey: secret },
      sha256: Sha256,
      // S3 signs the path as sent: no normalisation, no second encoding.
      uriEscapePath: false,
      applyChecksum: false,
    });
  }

  async authenticate(req: http.IncomingMessage): Promise<AuthResult> {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const query = parseQuery(q < 0 ? "" : url.slice(q + 1));
    if (query === undefined) return refused(400, "InvalidArgument", "Invalid query string encoding");
    const authorization = req.headers.authorization;
    const presigned = "X-Amz-Algorithm" in query || "X-Amz-Signature" in query || "X-Amz-Credential" in query;
    if (authorization !== undefined && presigned) {
      return refused(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified");
    }
    if ("Signature" in query || "AWSAccessKeyId" in query || authorization?.startsWith("AWS ")) {
      return refused(400, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
    }
    if (authorization !== undefined) return this.header(req, authorization, path, query);
    if (presigned) return this.presigned(req, path, query);
    return { kind: "anonymous" };
  }

  private request(req: http.IncomingMessage, path: string, query: Record<string, string | string[]>, headers: Record<string, string>) {
    const [hostname, port] = (req.headers.host ?? "").split(":");
    return { method: req.method ?? "GET", protocol: "http:", hostname: hostname ?? "", port: port === undefined ? undefined : Number(port), path, query, headers };
  }

  private async header(req: http.IncomingMessage, authorization: string, path: string, query: Record<string, string | string[]>): Promise<AuthResult> {
    const m = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(authorization.trim());
    const scope = m ? parseCredential(m[1]!) : undefined;
    if (!m || !scope) return refused(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; it must be AWS4-HMAC-SHA256 Credential=<key id>/<YYYYMMDD>/<region>/s3/aws4_request, SignedHeaders=..., Signature=...");
    const secret = this.secrets.get(scope.accessKeyId);
    if (secret === undefined) return refused(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", { AWSAccessKeyId: scope.accessKeyId });
    const names = m[2]!.split(";");
    const date = amzDate(String(req.headers["x-amz-date"] ?? ""));
    if (date === undefined || !names.includes("x-amz-date") || !names.includes("host")) {
      return refused(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
    }
    if (Math.abs(this.now() - date.getTime()) > MAX_SKEW_MS) {
      return refused(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", {
        RequestTime: String(req.headers["x-amz-date"]),
        ServerTime: new Date(this.now()).toISOString(),
        MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
      });
    }
    const headers = signedHeaderValues(req, names);
    if (headers === undefined) return refused(403, "SignatureDoesNotMatch", MISMATCH, { AWSAccessKeyId: scope.accessKeyId });
    headers["x-amz-content-sha256"] ??= "UNSIGNED-PAYLOAD";
    const signed = await this.signer(scope, secret).sign(this.request(req, path, query, headers), {
      signingDate: date,
      signingRegion: scope.region,
      signingService: scope.service,
      signableHeaders: new Set(names),
      unsignableHeaders: new Set(names.includes("x-amz-content-sha256") ? [] : ["x-amz-content-sha256"]),
    });
    const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? "";
    if (!same(expected, m[3]!)) return refused(403, "SignatureDoesNotMatch", MISMATCH, { AWSAccessKeyId: scope.accessKeyId, SignatureProvided: m[3]! });
    return { kind: "signed", accessKeyId: scope.accessKeyId, via: "header" };
  }

  private async presigned(req: http.IncomingMessage, path: string, query: Record<string, string | string[]>): Promise<AuthResult> {
    const param = (name: string) => {
      const v = query[name];
      return typeof v === "string" ? v : undefined;
    };
    if (QUERY_PARAMS.some((name) => param(name) === undefined)) {
      return refused(400, "AuthorizationQueryParametersError", "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
    }
    if (param("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256") return refused(400, "AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
    const scope = parseCredential(param("X-Amz-Credential")!);
    if (!scope) return refused(400, "AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
    const date = amzDate(param("X-Amz-Date"));
    if (!date) return refused(400, "AuthorizationQueryParametersError", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    const expiresText = param("X-Amz-Expires")!;
    const expires = /^\d+$/.test(expiresText) ? Number(expiresText) : NaN;
    if (!Number.isFinite(expires)) return refused(400, "AuthorizationQueryParametersError", "X-Amz-Expires should be a number");
    if (expires > MAX_EXPIRES) return refused(400, "AuthorizationQueryParametersError", "X-Amz-Expires must be less than a week (in seconds) that is 604800 seconds");
    const secret = this.secrets.get(scope.accessKeyId);
    if (secret === undefined) return refused(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", { AWSAccessKeyId: scope.accessKeyId });
    const names = param("X-Amz-SignedHeaders")!.split(";");
    const headers = signedHeaderValues(req, names);
    const provided = param("X-Amz-Signature")!;
    if (headers === undefined) return refused(403, "SignatureDoesNotMatch", MISMATCH, { AWSAccessKeyId: scope.accessKeyId, SignatureProvided: provided });
    // The payload of a presigned request is never signed: S3 uses UNSIGNED-PAYLOAD.
    const withPayload = { ...headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" };
    const unsigned = { ...query };
    delete unsigned["X-Amz-Signature"];
    const out = await this.signer(scope, secret).presign(this.request(req, path, unsigned, withPayload), {
      signingDate: date,
      expiresIn: expires,
      signingRegion: scope.region,
      signingService: scope.service,
      signableHeaders: new Set(names),
      unsignableHeaders: new Set(names.includes("x-amz-content-sha256") ? [] : ["x-amz-content-sha256"]),
      unhoistableHeaders: new Set(Object.keys(withPayload)),
    });
    const computed = out.query ?? {};
    const sameParams = ["X-Amz-Credential", "X-Amz-SignedHeaders"].every((name) => computed[name] === query[name]);
    if (!sameParams || !same(String(computed["X-Amz-Signature"]), provided)) {
      return refused(403, "SignatureDoesNotMatch", MISMATCH, { AWSAccessKeyId: scope.accessKeyId, SignatureProvided: provided });
    }
    const now = this.now();
    if (now > date.getTime() + expires * 1000) {
      return refused(403, "AccessDenied", "Request has expired", {
        "X-Amz-Expires": expiresText,
        Expires: new Date(date.getTime() + expires * 1000).toISOString(),
        ServerTime: new Date(now).toISOString(),
      });
    }
    return { kind: "signed", accessKeyId: scope.accessKeyId, via: "query" };
  }
}
