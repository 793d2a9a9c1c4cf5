import { defineProject, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

export default mergeConfig(
  shared,
  defineProject({
    test: {
      name: "client",
      // The type tests (`*.test-d.ts`, `expectTypeOf`) are checked by tsc, not run: vitest runs tsc on
      // them (tsconfig.typecheck.json, which reads the workspace packages from their sources), so a
      // wrong type fails `vitest run` and counts as a failed test in its report.
      typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "tsconfig.typecheck.json" }
    }
  })
)
