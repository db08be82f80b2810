/** The local web origin's static server: the built site from memory, config.json, CloudFront's headers. */
import { expect } from "chai";
import { connect } from "node:net";
import { buildSite } from "../../../web/build";
import { contentSecurityPolicy } from "../../../web/csp";
import { securityHeaders, startStaticServer } from "../../../scripts/local/web/static";

describe("local web origin (static server)", function () {
  let server: { port: number; close(): Promise<void> };
  let base: string;
  const site = buildSite();
  const csp = contentSecurityPolicy({ connect: ["http://127.0.0.1:4010"], img: ["http://127.0.0.1:9000"] });

  before(async function () {
    const content = { files: new Map(site.files.map((f) => [f.path, f])), config: '{"environment":"dev"}', headers: securityHeaders(csp) };
    server = await startStaticServer(() => content, "127.0.0.1", 0);
    base = `http://127.0.0.1:${server.port}`;
  });

  after(() => server?.close());

  it("serves a page with the site's CSP and security headers, and no-cache for documents", async function () {
    const res = await fetch(`${base}/todos/`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).to.equal("no-cache");
    expect(res.headers.get("content-security-policy")).to.equal(csp);
    expect(csp).to.include("connect-src 'self' http://127.0.0.1:4010;").and.include("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).to.equal("nosniff");
    const html = await res.text();
    expect(html).to.include(`src="/${site.scripts.todos}"`);
  });

  it("serves hashed assets as immutable and answers a revalidation with 304", async function () {
    const url = `${base}/${site.scripts.todos}`;
    const res = await fetch(url);
    expect(res.headers.get("cache-control")).to.equal("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).to.equal("text/javascript; charset=utf-8");
    const again = await fetch(url, { headers: { "If-None-Match": res.headers.get("etag")! } });
    expect(again.status).to.equal(304);
  });

  it("redirects a page without its slash, answers 404 for what is not built and 405 for writes", async function () {
    const res = await fetch(`${base}/todos`, { redirect: "manual" });
    expect(res.status).to.equal(301);
    expect(res.headers.get("location")).to.equal("/todos/");
    expect((await fetch(`${base}/nothing.js`)).status).to.equal(404);
    expect((await fetch(`${base}/todos/`, { method: "POST" })).status).to.equal(405);
    expect(await (await fetch(`${base}/config.json`)).json()).to.deep.equal({ environment: "dev" });
  });

  it("answers a malformed %-escape or request target with 400 and keeps serving (it once threw and ended npm start)", async function () {
    for (const path of ["/%ff", "/todos/%", "/a%zz/index.html", "/%E0%A4%A"]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).to.equal(400);
      expect(res.headers.get("content-security-policy"), path).to.equal(csp);
    }
    // An absolute-form target that is not a URL, as a raw request line (fetch cannot send it).
    const status = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, "127.0.0.1", () => socket.end("GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
      let data = "";
      socket.setEncoding("utf8").on("data", (c: string) => (data += c)).on("end", () => resolve(data.split("\r\n")[0]!)).on("error", reject);
    });
    expect(status).to.match(/^HTTP\/1\.1 400 /);
    expect((await fetch(`${base}/todos/`)).status).to.equal(200);
  });
});
