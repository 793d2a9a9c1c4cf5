/**
 * The modules `pnpm mutate` mutation-tests: where a wrong line costs users most. Each names the
 * files Stryker mutates and, per package folder (a vitest project), the test files that own it.
 * Only those run: the score says what the module's own tests pin down, and a mutant of a
 * module-level constant (a "static" mutant, which reruns every test) stays cheap on two cores.
 * `equivalent` lists the surviving mutants no test can tell from the original, and why.
 */
export const modules = {
  retry: {
    title: "retry policy",
    mutate: ["packages/client/src/internal/retry.ts"],
    tests: { "packages/client": ["test/Retry.test.ts", "test/internal.test.ts"] },
    equivalent: [
      "parseRetryAfter's `if (Number.isNaN(date)) return Option.none()` (condition false, or block removed): "
      + "a NaN date makes millis NaN, which the final Number.isFinite check turns into none just the same"
    ]
  },
  interpret: {
    title: "status interpretation",
    mutate: ["packages/client/src/internal/interpret.ts"],
    tests: {
      "packages/client": [
        "test/interpret.test.ts",
        "test/IdentityApi.test.ts",
        "test/Hostile.test.ts",
        "test/HostileInput.test.ts"
      ]
    },
    equivalent: [
      "decodeDetail's `.join(\"; \")` as `.join(\"\")`: a success body is decoded with the schema's default "
      + "`errors: \"first\"`, so there is only ever one issue to join"
    ]
  },
  "fast-decode": {
    title: "FastDecode",
    mutate: ["packages/models/src/FastDecode.ts"],
    tests: { "packages/models": ["test/FastDecode.test.ts"] },
    equivalent: [
      "copyTags' `if (values !== undefined)` made true: isTags has checked every own key holds an array",
      "own's `value !== undefined ||` made false: `key in u` then decides alone, as it did before the "
      + "shortcut; a value read is there, so the same answer",
      "array's `new Array(u.length)` as `new Array()`: every index is assigned in order; same array"
    ]
  },
  store: {
    title: "the store's rules",
    // the harness, the seed, the state and the pure rules: what IdentityStore.ts held before the split
    mutate: [
      "packages/testing/src/IdentityStore.ts",
      "packages/testing/src/Seed.ts",
      "packages/testing/src/internal/rules.ts",
      "packages/testing/src/internal/state.ts"
    ],
    tests: {
      "packages/testing": [
        "test/ContractSuite.test.ts",
        "test/Faults.test.ts",
        "test/IdentityApiMemory.test.ts",
        "test/IdentityServer.test.ts",
        "test/IdentityStore.test.ts",
        "test/Secrets.test.ts"
      ]
    },
    equivalent: [
      "record's batch trim `if (calls.length > 2 * maxCallRecords)` (condition true or false, `>=`, `<=`, "
      + "`2 / maxCallRecords`): it bounds memory only; `calls` answers the latest maxCallRecords whatever the "
      + "array holds",
      "randomFaults' initial `[]` as `[\"Stryker was here\"]`: the probability starts at 0 and setRandomFaults "
      + "sets it with the list, so no draw (in [0, 1)) is below it while the initial list is there",
      "drawRandomFault's `actions.length === 0` made false: with no random faults nothing can be picked "
      + "(`actions[i]` is undefined, so none); the guard only spares a draw from Random",
      "the Seed filter's `issues.length === 0 ? true : issues` as `issues`: Schema.filter takes an empty "
      + "array of issues as success",
      "the rate window's initial `[]` as `[\"Stryker was here\"]`: a string is never `> now - 1000`, so the "
      + "window drops it before counting",
      "drawRandomFault's `draw >= probability` as `>`: they differ only when Random.next draws exactly the "
      + "probability (a double in [0, 1)), which no test can arrange without replacing Random",
      "checkToken's `token !== undefined` made true: `validTokens.has(undefined)` is false, as the check says",
      "the tag's key `\"@katanemo/testing/IdentityStore\"` as `\"\"`: the key names the tag in traces; a tag "
      + "is found by identity"
    ]
  },
  load: {
    title: "the load accounting",
    mutate: ["apps/local-api/src/Load.ts"],
    // Load.test.ts (the live run) is left out: at the 400 operations a mutation run can afford it
    // is flaky (a kind of fault may fire too rarely), and a run scored without it killed the same
    // mutants (364 of 373), so it adds only false kills and failed starts.
    tests: { "apps/local-api": ["test/LoadAccounting.test.ts"] },
    equivalent: [
      "allFaultKinds' `.filter((kind): kind is FaultKind => kind in faultKinds)` removed (or its test made true): "
      + "every key of faultKinds is in faultKinds; the filter only narrows the type",
      "problems' `tag !== undefined` in the after-write check made true: every \"after\" kind has a tag in seenAs "
      + "(only \"before 429\" has none); the test only narrows the type",
      "a user create's id `\"\"` as another string: a user is held by name only (account passes no id for it) and "
      + "the steady phase reads keys only, so a user's id is never read",
      "`id: id ?? \"\"` of a successful create, the fallback as another string: only a create's success records an "
      + "id, and a create's is always a string (`key.clientId ?? \"?\"` or `\"\"`); undefined is a read's, never recorded",
      "the steady ids' `accountName ?? \"\"` (fallback as another string) and `keyName?.startsWith` as "
      + "`keyName.startsWith`: every recorded name is `account/name`, so split gives both parts",
      "`options.onProgress === undefined ? undefined : fork(...)` made false: without onProgress the forked reporter "
      + "dies at its first tick calling undefined, unobserved (Effect logs it at Debug), and is interrupted at the end; "
      + "the report is the same",
      "`discard: true` as `false` (the load's and the steady phase's Effect.forEach): the collected array of voids "
      + "is thrown away; same calls, same order, same report"
    ]
  }
}

/**
 * Fewer generated cases while mutating: every surviving-or-not verdict reruns the covering tests,
 * on two cores. Each test file reads its own variable, with its full count as the default.
 */
export const smallRuns = {
  KATANEMO_PROPERTY_RUNS: "50",
  KATANEMO_FUZZ_RUNS: "200",
  KATANEMO_HOSTILE_RUNS: "10",
  KATANEMO_SOCKET_FUZZ_RUNS: "30"
}
