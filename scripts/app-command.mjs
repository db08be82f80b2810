// @ts-check
/**
 * The command cdktf.json's `app` names (`node scripts/run-app.mjs` here): what `cdktf synth`
 * runs, through a shell, in the project root. `npm run synth`, `npm start` and the synth bench
 * run exactly it, so that their synths and figures are the ones `cdktf synth` users get.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * cdktf.json's `app` in `root`, or undefined when there is no cdktf.json or it names no app.
 * @param {string} root @returns {string | undefined}
 */
export function appCommand(root) {
  let config;
  try {
    config = JSON.parse(readFileSync(path.join(root, "cdktf.json"), "utf8"));
  } catch {
    return undefined;
  }
  return typeof config?.app === "string" && config.app.trim() !== "" ? config.app : undefined;
}
