import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", ".local/", ".build/", ".review/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain-JavaScript files run by Node directly (before tsx exists, or in worker threads).
    files: ["**/*.mjs"],
    languageOptions: { globals: { console: "readonly", process: "readonly", URL: "readonly" } },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-aws",
              message: "Import from @cdktf/provider-aws/lib/<resource>: the root import makes synth ~8x slower.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["functions/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/modules/**", "**/scripts/**", "cdktf", "constructs", "@cdktf/*"], message: "functions/ never imports modules/, scripts/ or cdktf." }] },
      ],
    },
  },
  {
    files: ["web/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/modules/**", "**/scripts/**", "cdktf", "constructs", "@cdktf/*"], message: "web/ never imports modules/, scripts/ or cdktf: a page bundle carries no cdktf." }] },
      ],
    },
  },
  {
    files: ["scripts/local/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/modules/**"], message: "scripts/local knows only the synthesized Terraform, never modules/." }] },
      ],
    },
  },
);
