// Preloaded (node --import) by startup.mjs into each program it times: at exit, prints the
// process's own CPU time (user + system) and the time since it started as the last line of stderr.
process.on("exit", () => {
  const cpu = process.cpuUsage()
  process.stderr.write(
    `\nstartup-probe ${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, exitMs: performance.now() })}\n`
  )
})
