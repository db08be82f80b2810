/**
 * A site's files as `aws_s3_object`s, one each, with their Content-Type and Cache-Control
 * and their bytes in the configuration (a plan shows exactly the files whose bytes changed).
 * StaticSite uploads its own files this way; `SiteObjects` uploads into a site bucket from
 * another stack (the site stack applied after the APIs its config.json names).
 */
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PropError } from "../core/errors";
import { isText, terraformLiteral } from "./headers";

/** One file of the site. */
export interface SiteObject {
  /** Key under the site root, no leading slash: `index.html`, `assets/app-3F2A.js`. */
  readonly path: string;
  /** The bytes, or a string that may hold Terraform references (`config.json`). */
  readonly body: Buffer | string;
  readonly contentType: string;
  readonly cacheControl: string;
}

/** Refuses a key with a leading slash, an empty one, or one listed twice; the set of keys. */
export function checkSitePaths(where: string, files: readonly SiteObject[]): Set<string> {
  const paths = new Set<string>();
  for (const f of files) {
    if (f.path.startsWith("/") || f.path === "") throw new PropError(where, "files[].path", f.path, 'write keys without a leading "/", e.g. "index.html".');
    if (paths.has(f.path)) throw new PropError(where, "files[].path", f.path, "list each file once.");
    paths.add(f.path);
  }
  return paths;
}

/** One `aws_s3_object` per file under `scope`, sorted by key (ids `Object_<key>`). */
export function addSiteObjects(scope: Construct, bucket: string, files: readonly SiteObject[], dependsOn: ITerraformDependable[] = []): S3Object[] {
  return [...files]
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((f) => {
      // A string body may hold references (config.json); a Buffer is literal bytes.
      const body = typeof f.body === "string" ? { content: f.body } : isText(f.contentType) ? { content: terraformLiteral(f.body.toString("utf8")) } : { contentBase64: f.body.toString("base64") };
      return new S3Object(scope, `Object_${f.path.replace(/[^A-Za-z0-9]+/g, "_")}`, {
        bucket,
        key: f.path,
        ...body,
        contentType: f.contentType,
        cacheControl: f.cacheControl,
        ...(dependsOn.length > 0 ? { dependsOn } : {}),
      });
    });
}

export interface SiteObjectsProps {
  /** Name of the site's bucket (a StaticSite's `bucket.bucketName`, across stacks a reference). */
  readonly bucket: string;
  /** The files to upload, each once, keys without a leading `/` (see `checkSitePaths`). */
  readonly files: readonly SiteObject[];
}

export class SiteObjects extends Construct {
  readonly objects: S3Object[];

  constructor(scope: Construct, id: string, props: SiteObjectsProps) {
    super(scope, id);
    checkSitePaths(this.node.path, props.files);
    this.objects = addSiteObjects(this, props.bucket, props.files);
  }
}
