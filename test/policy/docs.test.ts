import { expect } from "chai";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RULES } from "../../modules/policy";

const docs = readFileSync(join(resolve(dirname(fileURLToPath(import.meta.url)), "..", ".."), "docs", "deploying.md"), "utf8");

describe("policy documentation", () => {
  it("lists every rule with its severity in docs/deploying.md, and no rule that does not exist", () => {
    const documented = [...docs.matchAll(/^\| ([A-Z0-9_]+) \| (error|warning) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(documented).to.deep.equal(RULES.map((r) => `${r.id} ${r.severity}`));
  });
});
