import { defineConfig } from 'vitest/config'

// Test files run in parallel worker processes; suites that need PGlite share one
// migrated image built once in globalSetup (see test/setup).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on child processes and servers, not the CPU: two at once keep a 2-core machine busy.
    maxWorkers: 2,
    globalSetup: ['test/setup/pglite-image.ts'],
    // CI also writes vitest's JSON report, from which .ci/run prints "N passed, N failed".
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest-results.json' },
  },
})
