/**
 * How a job API (backup, restore) hands a recorded job to its worker: one asynchronous
 * invocation (`InvocationType: Event`); a worker that cannot be invoked fails the job at once
 * and answers 502, so no job stays "running" with nobody to run it.
 */
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { HttpError } from "./errors.js";
import type { JobFields, Jobs } from "./jobs.js";
import type { Logger } from "./log.js";

export interface StartWorkerOptions<J extends JobFields, K extends keyof J & string> {
  readonly lambda: LambdaClient;
  /** The worker's function name (or ARN). */
  readonly worker: string;
  readonly jobs: Jobs<J, K>;
  readonly idAttribute: K;
  readonly id: string;
  /** The job's kind in messages: "backup", "restore". */
  readonly noun: string;
  /** What the 502 says was not done, e.g. "Nothing was backed up". */
  readonly nothingDone: string;
  /** Fields recorded with the failure, besides status, finishedAt and error. */
  readonly failFields?: Partial<J>;
  readonly log: Logger;
  readonly now: () => Date;
}

export async function startWorker<J extends JobFields, K extends keyof J & string>(o: StartWorkerOptions<J, K>): Promise<void> {
  try {
    const payload = { [o.idAttribute]: o.id };
    await o.lambda.send(new InvokeCommand({ FunctionName: o.worker, InvocationType: "Event", Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
  } catch (err) {
    o.log.error(`could not invoke the ${o.noun} worker`, { error: err, [o.idAttribute]: o.id });
    const reason = `The ${o.noun} worker could not be started (${err instanceof Error ? err.name : "error"}).`;
    await o.jobs.finish(o.id, { ...o.failFields, status: "failed", finishedAt: o.now().toISOString(), error: reason } as Partial<J> & { status: "failed"; finishedAt: string });
    throw new HttpError(502, `${reason} ${o.nothingDone}; try again later.`, { details: { [o.idAttribute]: o.id, status: "failed" }, cause: err });
  }
}
