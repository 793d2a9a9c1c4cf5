import { defineProject, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

// No aliases here: the blocks are checked against the built packages, as a consumer sees them.
export default mergeConfig(
  { ...shared, resolve: {} },
  defineProject({ test: { name: "readme-check", testTimeout: 180_000, hookTimeout: 300_000 } })
)
