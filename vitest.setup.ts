import { beforeEach } from "vitest"

// Vitest's worker answers the runner over an RPC channel with a fixed 60 s timeout. Tests that
// are synchronous (property tests, above all) run back to back without the event loop turning, so
// on a loaded machine a file of them can keep the worker from reading the runner's replies for
// over a minute: every test passes, and the run fails with `Timeout calling "onTaskUpdate"`.
// One macrotask turn before each test bounds that stretch to a single test.
beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)))
