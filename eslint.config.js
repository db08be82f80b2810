import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", ".local/", ".build/", ".review/", "dist/"] },
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
    // The gateway knows only the synthesized Terraform, read through modules/tfjson: never
    // cdktf, constructs or a construct module.
    files: ["scripts/local/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/modules/**", "!**/modules/tfjson", "!**/modules/tfjson/**", "cdktf", "cdktf/**", "constructs", "@cdktf/*"],
              message: "scripts/local never imports cdktf, constructs or a construct module; it reads Terraform JSON through modules/tfjson only.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["modules/tfjson/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["cdktf", "cdktf/**", "constructs", "@cdktf/*", "../*"],
              message: "modules/tfjson reads Terraform JSON only: no cdktf, constructs or other module.",
            },
          ],
        },
      ],
    },
  },
);
