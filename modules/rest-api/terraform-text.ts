/**
 * Text as Terraform sees it: literal text escaped so `${` and `%{` stay literal, and cdktf
 * tokens turned into their Terraform expressions (stable across synths) for hashing.
 */
import { DefaultTokenResolver, StringConcat, Token, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * Escapes literal text for Terraform, where `${` and `%{` are template syntax (VTL's
 * `${var}`, IAM's `${aws:username}`); cdktf tokens inside the text stay references.
 */
export function terraformLiteral(text: string): string {
  // (a function replacement: in a replacement string "$$" means one "$")
  return text.replace(/\$\{(?!TfToken\[)/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** {@link terraformLiteral} on every value of a map. */
export function escapeMap(m: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, terraformLiteral(v)]));
}

/** A token's Terraform expression (stable across synths), or the plain value. */
export function stableText(scope: IConstruct, value: string): string {
  if (!Token.isUnresolved(value)) return value;
  return String(Tokenization.resolve(value, { scope, resolver: new DefaultTokenResolver(new StringConcat()) }));
}

/** Every string of a plain value with its tokens replaced by their Terraform expressions. */
export function stableDeep(scope: IConstruct, value: unknown): unknown {
  if (typeof value === "string") return stableText(scope, value);
  if (Array.isArray(value)) return value.map((v) => stableDeep(scope, v));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stableDeep(scope, v)]));
  }
  return value;
}
