/** Child-process entry: dynalite on loopback, table state changes taking no time, writes counted. */
import type http from "node:http";
import { createRequire } from "node:module";
import { serveChild } from "../child";
import { counter } from "../http";
import { isWrite, type DynaliteOptions } from "./writes";

const require = createRequire(import.meta.url);

serveChild<DynaliteOptions>(async (options) => {
  const dynalite = require("dynalite") as (opts: Record<string, unknown>) => http.Server;
  const server = dynalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const count = counter(isWrite);
  server.prependListener("request", (req, res) => count.track(req, res));
  return { server, stats: count.stats };
});
