// Non-proxy: fails (an unhandled error).
export const handler = async () => {
  throw new Error("boom");
};
