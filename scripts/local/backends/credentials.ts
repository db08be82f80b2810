/**
 * The access keys the local back ends know. Local S3 verifies SigV4 signatures (header and
 * presigned URLs) with these secrets, as S3 does with an account's keys: a signature made
 * with any other secret is refused. The function workers and the gateway's own clients
 * sign with `S3RVER`; the test run's environment (test/setup.ts) signs with `local`.
 */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What the function workers and the gateway's own clients use. */
export const WORKER_CREDENTIALS: AccessKey = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** Every key the local back ends accept by default. */
export const LOCAL_CREDENTIALS: readonly AccessKey[] = [WORKER_CREDENTIALS, { accessKeyId: "local", secretAccessKey: "local" }];
