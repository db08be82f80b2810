// Every prop of every exported props/options interface of the reusable modules is documented,
// and every optional one names its default with `@default` (the convention in DESIGN.md): the
// API reference (`npm run docs`, TypeDoc) is generated from these comments, so a prop without
// them is a prop a user of the package cannot learn about.
import { expect } from "chai";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The package's module entry points: every `modules/<name>/index.ts` but the services. */
function entryPoints(): string[] {
  const dir = join(root, "modules");
  return readdirSync(dir)
    .filter((d) => d !== "services" && existsSync(join(dir, d, "index.ts")))
    .map((d) => join(dir, d, "index.ts"));
}

interface Problem {
  readonly file: string;
  readonly prop: string;
  readonly what: string;
}

/** Walks the exported interfaces named `…Props` or `…Options` reachable from the entry points. */
function undocumentedProps(files: readonly string[], extra?: { fileName: string; text: string }): Problem[] {
  const options: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, skipLibCheck: true, noEmit: true };
  const host = ts.createCompilerHost(options);
  if (extra) {
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, lang, ...rest) => (resolve(name) === resolve(extra.fileName) ? ts.createSourceFile(name, extra.text, lang) : read(name, lang, ...rest));
    const exists = host.fileExists.bind(host);
    host.fileExists = (name) => resolve(name) === resolve(extra.fileName) || exists(name);
  }
  const program = ts.createProgram(extra ? [...files, extra.fileName] : files, options, host);
  const checker = program.getTypeChecker();
  const seen = new Set<ts.Declaration>();
  const problems: Problem[] = [];
  for (const file of extra ? [...files, extra.fileName] : files) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      for (const decl of symbol.declarations ?? []) {
        if (!ts.isInterfaceDeclaration(decl) || !/(Props|Options)$/.test(decl.name.text) || seen.has(decl)) continue;
        seen.add(decl);
        for (const member of decl.members) {
          if (!ts.isPropertySignature(member)) continue;
          const prop = `${decl.name.text}.${member.name.getText()}`;
          const at = relative(root, decl.getSourceFile().fileName);
          const documented = ts.getJSDocCommentsAndTags(member).length > 0;
          if (!documented) problems.push({ file: at, prop, what: "has no doc comment" });
          else if (member.questionToken && !ts.getJSDocTags(member).some((t) => t.tagName.text === "default")) {
            problems.push({ file: at, prop, what: "is optional without @default" });
          }
        }
      }
    }
  }
  return problems;
}

describe("the exported props' documentation", () => {
  it("documents every prop of every exported props interface, with @default on each optional one", () => {
    const problems = undocumentedProps(entryPoints()).map((p) => `${p.file}: ${p.prop} ${p.what}`);
    expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("the check finds an optional prop without @default and a prop without a comment (it is really checking)", () => {
    const fileName = join(root, "modules", "__check__", "index.ts");
    const text = [
      "export interface WidgetProps {",
      "  /** The name. */",
      "  readonly name: string;",
      "  /** How many, with no default named. */",
      "  readonly count?: number;",
      "  readonly colour: string;",
      "  /** @default 3 */",
      "  readonly size?: number;",
      "}",
    ].join("\n");
    const problems = undocumentedProps([], { fileName, text }).map((p) => `${p.prop} ${p.what}`);
    expect(problems).to.deep.equal(["WidgetProps.count is optional without @default", "WidgetProps.colour has no doc comment"]);
  });
});
