export * from "./nodejs-function";
export {
  bundleFunction,
  bundleId,
  clearBundleCache,
  entriesDigest,
  findHandlerEntries,
  findProjectRoot,
  metafileForEntry,
  prebundle,
  relativeEntry,
  zipSync,
  type BundleProps,
  type FunctionBundle,
  type ZipEntry,
} from "./bundle";
export * from "./esbuild-options";
export * from "./validate";
