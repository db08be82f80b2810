/**
 * The deployed site's two Content-Security-Policies in Chromium: the distribution's header
 * bounds connect-src by what is known before the services exist (web-edge.ts: the region's
 * API Gateway hosts), and each document's `<meta http-equiv>` element (web-site.ts's
 * withMetaCsp) names the exact invoke URLs. A browser enforces both, so a page may reach only
 * what both allow: here, two loopback "APIs" both inside the header's bound, only one named by
 * the document's policy.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { withMetaCsp } from "../../modules/services/web-site";
import { contentSecurityPolicy } from "../../web/csp";
import { launch } from "./support/browser";

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("web: header CSP bounded by the region, exact CSP in the document (Chromium)", function () {
  let browser: Browser;
  const servers: Server[] = [];
  let site: string;
  let named: string;
  let other: string;

  before(async function () {
    const api = (_req: unknown, res: import("node:http").ServerResponse) => res.writeHead(200, { "Access-Control-Allow-Origin": "*", "Content-Type": "application/json" }).end('{"ok":true}');
    const a = await listen(api);
    const b = await listen(api);
    named = a.origin;
    other = b.origin;
    const html = withMetaCsp('<!doctype html>\n<html lang="en">\n  <head>\n    <title>CSP</title>\n  </head>\n  <body><main><h1>CSP</h1></main></body>\n</html>\n', contentSecurityPolicy({ connect: [`${named}/`], meta: true }));
    const page = await listen((_req, res) =>
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": contentSecurityPolicy({ connect: ["http://127.0.0.1:*"] }) }).end(html),
    );
    servers.push(a.server, b.server, page.server);
    site = page.origin;
    browser = await launch();
  });

  after(async function () {
    await browser?.close();
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise<void>((ok) => s.close(() => ok()))));
  });

  it("lets the page reach the API its document names and refuses one only the header's bound allows", async function () {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") violations.push(m.text());
    });
    await page.goto(`${site}/`);
    const reach = (url: string) => page.evaluate(`fetch(${JSON.stringify(url)}).then((r) => r.status, (e) => e.name)`);
    expect(await reach(`${named}/students`)).to.equal(200);
    expect(await reach(`${other}/students`)).to.equal("TypeError");
    expect(violations.some((v) => v.includes("Content Security Policy") && v.includes(other)), violations.join("\n")).to.equal(true);
    await context.close();
  });
});
