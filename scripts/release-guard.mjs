// Runs before `pnpm release`: refuses to publish while a value that nobody has confirmed is still
// marked OWNER-TO-CONFIRM (the repository URL, the security contact).
import { execFileSync } from "node:child_process"

let found = ""
try {
  found = execFileSync("git", ["grep", "-n", "OWNER-TO-CONFIRM", "--", ":!scripts/release-guard.mjs"], {
    encoding: "utf8"
  })
} catch {
  // git grep exits 1 when nothing matches: every value has been confirmed
}
if (found.trim() !== "") {
  console.error(`release refused: confirm these values, then remove their OWNER-TO-CONFIRM notes:\n${found}`)
  process.exit(1)
}
