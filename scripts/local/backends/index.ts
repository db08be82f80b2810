/**
 * The local back ends shared by the gateway, the handler tests and the benchmarks: DynamoDB
 * (dynalite) and S3 (s3rver behind this project's S3 layer), each in a supervised child
 * process, and an SES mailbox. Everything listens on 127.0.0.1 with an OS-chosen port.
 *
 * Nothing here imports modules/: the local gateway knows only synthesized Terraform.
 */
export type { BackendStats, LocalBackend } from "./http";
export type { SupervisedBackend } from "./supervisor";
export { LOCAL_CREDENTIALS, WORKER_CREDENTIALS, type AccessKey } from "./credentials";
export { startDynalite, type DynaliteOptions, type StartDynaliteOptions } from "./dynamodb/index";
export { startS3rver, type S3rverOptions } from "./s3/index";
export { startSesMailbox, type MailMessage, type SesMailbox, type SesMailboxOptions } from "./ses/index";
