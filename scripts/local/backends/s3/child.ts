/** Child-process entry of the local S3. */
import { mkdirSync } from "node:fs";
import { serveChild } from "../child";
import { createS3Layer, type S3LayerOptions } from "./server";

serveChild<S3LayerOptions>(async (options) => {
  mkdirSync(options.directory, { recursive: true });
  return createS3Layer(options);
});
