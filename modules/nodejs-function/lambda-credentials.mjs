// What a bundled handler's AWS SDK clients get in place of `@aws-sdk/credential-provider-node`
// (an esbuild alias, esbuild-options.ts): credentials from the environment only. The Lambda
// runtime always sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from the
// execution role (and `npm start`'s workers set them as Lambda does), which is the first source
// the SDK's default chain tries; the rest of that chain (shared ini files, SSO, web identity,
// process, container and instance metadata) and the STS/SSO clients it carries cannot apply in
// a function and are a quarter of a bundle's bytes. The clients' runtime config imports exactly
// `defaultProvider` from that package, with the same signature as here.
import { fromEnv } from "@aws-sdk/credential-provider-env";

/** @param {Parameters<typeof fromEnv>[0]} [init] */
export const defaultProvider = (init = {}) => fromEnv(init);
