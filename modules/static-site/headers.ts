/**
 * The response-headers policy's security headers, as plain data (pure, for tests): a strict
 * CSP given by the caller, HSTS for two years with subdomains and preload, nosniff, a
 * referrer policy that sends only the origin cross-site, and no framing.
 */
export const HSTS_SECONDS = 63_072_000;
export const REFERRER_POLICY = "strict-origin-when-cross-origin";

export function securityHeadersConfig(contentSecurityPolicy: string) {
  return {
    contentSecurityPolicy: { contentSecurityPolicy, override: true },
    strictTransportSecurity: { accessControlMaxAgeSec: HSTS_SECONDS, includeSubdomains: true, preload: true, override: true },
    contentTypeOptions: { override: true },
    referrerPolicy: { referrerPolicy: REFERRER_POLICY, override: true },
    frameOptions: { frameOption: "DENY", override: true },
  };
}

/**
 * CloudFront Function (cloudfront-js-2.0, viewer request): `/todos/` → `/todos/index.html`,
 * and `/todos` → 301 `/todos/`, since S3 behind OAC has no index documents of its own.
 */
export const INDEX_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith("/")) {
    request.uri = uri + "index.html";
    return request;
  }
  var last = uri.substring(uri.lastIndexOf("/") + 1);
  if (last.indexOf(".") === -1) {
    return { statusCode: 301, statusDescription: "Moved Permanently", headers: { location: { value: uri + "/" } } };
  }
  return request;
}
`;

/** The content types served as text (uploaded with `content`); others go as `content_base64`. */
export function isText(contentType: string): boolean {
  return /^text\/|^application\/(json|javascript)|^image\/svg\+xml/.test(contentType);
}

/**
 * A literal file's text as a Terraform string: `${` and `%{` start template sequences, so a
 * bundle's template literals are escaped (`$${`, `%%{`) to reach S3 byte for byte.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}
