// The users the benchmark server answers with, and that decode.mjs decodes: one shape for both.

/** User number `i`, as the API would send it: roles, tags and a token. */
export const user = (i) => ({
  accountId: "acme",
  serviceId: "svc-bench",
  userId: `user${i}@acme.example`,
  isAdmin: i % 10 === 0,
  isActive: i % 3 !== 0,
  token: `tok_${i.toString(36).padStart(12, "0")}`,
  tags: { team: [`team-${i % 7}`], site: ["eu", "us"] },
  roles: ["developer", ...(i % 5 === 0 ? ["oncall"] : [])]
})

/** The list of 1,000 users, as JSON text. */
export const thousandUsers = JSON.stringify(Array.from({ length: 1000 }, (_, i) => user(i)))
