export { StaticSite, type SiteObject, type StaticSiteProps, type CustomDomain } from "./static-site";
export { SiteObjects, type SiteObjectsProps } from "./site-objects";
export { securityHeadersConfig, INDEX_REWRITE_CODE, HSTS_SECONDS, REFERRER_POLICY, terraformLiteral, isText } from "./headers";
