import { defineConfig } from "vitest/config"

// The one configuration that runs every package's and app's tests: `pnpm vitest run` at the root.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "apps/*/vitest.config.ts", "tools/*/vitest.config.ts"]
  }
})
