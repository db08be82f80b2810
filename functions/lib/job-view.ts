/**
 * How a job API shows a job (functions/lib/jobs.ts) to its client: the stage's base path for
 * its links, and the job without its bookkeeping, a `running` job past its worker's deadline
 * reported as `failed` (its worker crashed, timed out or never started; Lambda sent the event
 * to the failure queue). The deadline comes from the environment the stack gives the API:
 *   WORKER_TIMEOUT_SECONDS         the worker's timeout
 *   WORKER_MAX_EVENT_AGE_SECONDS   how long the worker's event may wait to start
 */
import { intEnv } from "./env.js";
import { header, type ProxyEvent } from "./http.js";
import type { JobFields } from "./jobs.js";

/** A job still `running` this long after its worker's deadline is reported failed. */
const GRACE_MS = 60_000;

/**
 * The stage's base path as the client called it: `/prod` (requestContext.path less the path),
 * behind the proxy prefix the local gateway names in `X-Forwarded-Prefix` (`/<stack>`).
 */
export function basePath(event: ProxyEvent): string {
  const full = event.requestContext?.path;
  const path = event.path;
  const prefix = header(event, "x-forwarded-prefix") ?? "";
  if (typeof full === "string" && typeof path === "string" && full.endsWith(path)) return prefix + full.slice(0, full.length - path.length);
  return prefix;
}

/** A job less its bookkeeping (`kind`, `expiresAt`, `deadline`, `requestId`). */
export type ShownJob<J extends JobFields> = Omit<J, "kind" | "expiresAt" | "deadline" | "requestId">;

/** Where a job API points from a job: the job itself and the list of its kind. */
export interface JobLinks {
  readonly self: string;
  readonly list: string;
}

/** A job as its API answers it (GET of the job, an entry of the list). */
export type JobView<J extends JobFields> = ShownJob<J> & { readonly links: JobLinks };

/** The job as a client sees it; `noun` names the job in the reason ("backup", "restore"). */
export function jobView<J extends JobFields>(job: J, now: Date, noun: string): ShownJob<J> {
  const { expiresAt: _expires, kind: _kind, deadline, requestId: _requestId, ...rest } = job;
  if (job.status !== "running") return rest;
  const timeoutMs = intEnv("WORKER_TIMEOUT_SECONDS", 900) * 1000;
  const maxAgeMs = intEnv("WORKER_MAX_EVENT_AGE_SECONDS", 21_600) * 1000;
  const limit = deadline ?? Date.parse(job.createdAt) + maxAgeMs + timeoutMs;
  if (now.getTime() <= limit + GRACE_MS) return rest;
  return {
    ...rest,
    status: "failed",
    error:
      job.startedAt === undefined
        ? `The ${noun} worker never started; see the function's failure queue.`
        : `The ${noun} worker did not finish within its ${timeoutMs / 1000}-second timeout; see the function's failure queue.`,
  };
}
