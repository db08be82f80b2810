/**
 * The child-process side of a supervised back end: starts the service's HTTP server on an
 * OS-chosen loopback port, reports it, answers stats requests, and exits when the parent
 * goes away (the IPC channel closes) or asks it to stop.
 */
import type http from "node:http";
import type { BackendStats } from "./http";
import { listen } from "./http";

export type ChildMessage = { type: "ready"; port: number } | { type: "stats"; id: number; stats: BackendStats } | { type: "failed"; message: string };
export type ParentMessage = { type: "stats"; id: number };

export interface ChildService {
  readonly server: http.Server;
  stats(): BackendStats;
}

export function serveChild<O>(start: (options: O) => Promise<ChildService>): void {
  const send = (msg: ChildMessage) => process.send?.(msg);
  const options = JSON.parse(process.env.LOCAL_BACKEND_OPTIONS ?? "{}") as O;
  process.on("disconnect", () => process.exit(0));
  process.on("SIGTERM", () => process.exit(0));
  start(options)
    .then(async (service) => {
      const endpoint = await listen(service.server);
      process.on("message", (msg: ParentMessage) => {
        if (msg.type === "stats") send({ type: "stats", id: msg.id, stats: service.stats() });
      });
      send({ type: "ready", port: Number(new URL(endpoint).port) });
    })
    .catch((error: unknown) => {
      send({ type: "failed", message: (error as Error).stack ?? String(error) });
      process.exit(1);
    });
}
