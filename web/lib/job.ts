/**
 * Following an API job (a backup, a restore): the 202 answer's `links.self` is polled, with a
 * growing delay up to 2 s, until the job's status is no longer `running`.
 */
import { call } from "./http";

export interface JobState {
  status?: string;
  error?: string;
  message?: string;
  links?: { self?: string };
}

/** Polls `self` (a URL) while the job runs, calling `onState` with every answer; the last state. */
export async function followJob<T extends JobState>(self: string, first: T, headers: Record<string, string>, onState: (state: T) => void): Promise<T> {
  let state = first;
  let delay = 200;
  while (String(state.status).toLowerCase() === "running") {
    onState(state);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 2000);
    state = (await call<T>(self, { headers })).data;
  }
  return state;
}

export const failed = (state: JobState): boolean => String(state.status).toLowerCase() === "failed";
