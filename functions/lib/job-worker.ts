/**
 * What every job worker (backup, restore) does around its own work: take the job the event
 * names exactly once, stop its work in time to record the outcome, and record whether the
 * report email went out.
 */
import type { Context } from "aws-lambda";
import { failureReason, type JobFields, type Jobs } from "./jobs.js";
import type { Logger } from "./log.js";

/** Stop this long before the function's timeout, to leave time to record the outcome and send the email. */
export const RESERVE_MS = 20_000;

/** A job this invocation took: its record, a logger naming it, and a signal that fires `RESERVE_MS` before the function's timeout. */
export interface JobRun<J> {
  readonly id: string;
  readonly job: J;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Clears the timeout's timer; call it when the work ends, however it ends. */
  readonly end: () => void;
}

export type JobTake<J> = { readonly run: JobRun<J> } | { readonly skipped: { readonly id: string; readonly reason: string } };

export interface TakeJobOptions<J extends JobFields, K extends keyof J & string> {
  /** The asynchronous invocation's payload, `{"<idAttribute>": "<id>"}`. */
  readonly event: unknown;
  readonly idAttribute: K;
  /** What a valid id looks like (the jobs module's `*_ID_PATTERN`). */
  readonly pattern: string;
  /** The job's kind in messages: "backup", "restore". */
  readonly noun: string;
  readonly jobs: Jobs<J, K>;
  readonly log: Logger;
  readonly now: () => Date;
  readonly context?: Partial<Context>;
  /** Fields recorded on the job as it is taken. */
  readonly startFields?: Partial<J>;
}

/**
 * Takes the job the event names. A malformed id, a job that is missing, or one another
 * invocation took or finished (a duplicate event) is skipped with the reason.
 */
export async function takeJob<J extends JobFields, K extends keyof J & string>(o: TakeJobOptions<J, K>): Promise<JobTake<J>> {
  const id = (o.event as Record<string, unknown> | null)?.[o.idAttribute];
  const log = o.log.child({ [o.idAttribute]: id, ...(o.context?.awsRequestId ? { lambdaRequestId: o.context.awsRequestId } : {}) });
  if (typeof id !== "string" || !new RegExp(o.pattern).test(id)) {
    log.error(`event names no ${o.noun} job`, { event: o.event });
    return { skipped: { id: String(id), reason: `the event names no ${o.noun} job` } };
  }
  const job = await o.jobs.get(id);
  const remaining = o.context?.getRemainingTimeInMillis?.() ?? 900_000;
  const startedAt = o.now();
  if (!job || !(await o.jobs.start(id, startedAt, startedAt.getTime() + remaining, o.startFields))) {
    log.warn("job missing, taken or finished already; nothing to do");
    return { skipped: { id, reason: "the job is missing, taken or finished already" } };
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Math.max(1000, remaining - RESERVE_MS));
  return { run: { id, job, log, signal: abort.signal, end: () => clearTimeout(timer) } };
}

/** Sends the report and records on the job whether it went out; a failed email never fails the job. */
export async function sendReportOf<J extends JobFields, K extends keyof J & string>(jobs: Jobs<J, K>, run: JobRun<J>, send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
    await jobs.recordEmail(run.id, true);
  } catch (err) {
    run.log.warn("the report email failed", { error: err });
    await jobs.recordEmail(run.id, false, failureReason(err));
  }
}
