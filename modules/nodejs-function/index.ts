export * from "./nodejs-function";
export {
  bundleFunction,
  bundleId,
  clearBundleCache,
  entriesDigest,
  findProjectRoot,
  relativeEntry,
  zipSync,
  type BundleProps,
  type FunctionBundle,
  type ZipEntry,
} from "./bundle";
export { findHandlerEntries, metafileForEntry, prebundle, prebundleAsync } from "./prebundle";
export * from "./esbuild-options";
export * from "./validate";
