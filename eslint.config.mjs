// Lint and format, as Effect's own repository does: typescript-eslint for correctness and
// @effect/eslint-plugin's dprint rule for formatting (`pnpm lint-fix` rewrites the tree).
import * as effectEslint from "@effect/eslint-plugin"
import tseslint from "typescript-eslint"

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/.tsbuild/**",
      "**/node_modules/**",
      "**/.turbo/**",
      "**/coverage/**",
      "**/CHANGELOG.md",
      "**/.blocks/**",
      // docgen's output in each package (its examples are written there while they are checked)
      "**/.docgen/**",
      // StrykerJS sandboxes a stopped `pnpm mutate` leaves behind, and its reports
      ".stryker-tmp/**",
      "reports/mutation/**"
    ]
  },
  ...tseslint.configs.strict,
  ...effectEslint.configs.dprint,
  {
    files: ["**/*.{ts,mts,mjs,js}"],
    rules: {
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          "arrowFunction.useParentheses": "force"
        }
      }],
      "@typescript-eslint/no-explicit-any": "error",
      // Effect's types take void as an argument everywhere: Effect<void>, Deferred<void>, async<void>.
      "@typescript-eslint/no-invalid-void-type": "off",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // types merged with a tag class (`IdentityApi.Options`), as Effect's own packages declare them
      "@typescript-eslint/no-namespace": ["error", { allowDeclarations: true }],
      "@typescript-eslint/array-type": ["error", { default: "generic", readonly: "generic" }],
      "no-restricted-imports": ["error", {
        paths: [{
          name: "effect",
          message: "Import Effect modules as namespaces: import * as Effect from \"effect/Effect\""
        }],
        patterns: [{ group: ["@effect/schema", "@effect/schema/*"], message: "Schema comes from effect/Schema" }]
      }]
    }
  }
)
