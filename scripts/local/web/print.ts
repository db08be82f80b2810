/** The table `npm start` prints for the pages: each page's URL, and who can sign in. */
import type { Endpoints } from "../gateway";

export function pagesTable(endpoints: Endpoints): string {
  const rows = Object.entries(endpoints.web ?? {}).map(([service, url]) => [url, service]);
  const header = ["page", "service"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const users = (endpoints.cognito?.users ?? []).map((u) => `sign in (local Cognito ${u.userPoolId}): ${u.username} / ${u.password}`);
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ...users].join("\n");
}
