/**
 * The site's Content-Security-Policy, one function for CloudFront's response-headers policy
 * and the local web server: scripts and documents only from the site itself, styles only
 * from the site and the documents' own `<style>` elements named by their hash; API
 * calls only to the environment's API endpoints and Cognito; images from the site and the
 * image bucket (presigned URLs) and the page's own blob: previews; never framed.
 */
export interface CspSources {
  /** Origins the pages call with fetch: API invoke URLs' origins, the Cognito endpoint. */
  readonly connect: readonly string[];
  /** The documents' inline `<style>` elements, as hash sources (`Site.styleHashes`). */
  readonly style?: readonly string[];
  /** Origins images load from besides the site (the image bucket). */
  readonly img?: readonly string[];
  /**
   * For a `<meta http-equiv>` element: without `frame-ancestors`, which browsers ignore
   * there (the header carries it). @default false
   */
  readonly meta?: boolean;
}

export function contentSecurityPolicy(sources: CspSources): string {
  const list = (extra: readonly string[] = []) => ["'self'", ...new Set(extra)].join(" ");
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src ${list(sources.style)}`,
    // blob: shows a just-uploaded picture before the (cached) gallery lists it
    `img-src ${list(["blob:", ...(sources.img ?? [])])}`,
    `connect-src ${list(sources.connect)}`,
    "base-uri 'none'",
    "form-action 'self'",
    ...(sources.meta ? [] : ["frame-ancestors 'none'"]),
  ].join("; ");
}
