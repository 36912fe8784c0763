import { defineConfig } from 'vitest/config'

// `npm run test:topology`: test/topology/, which starts every process it needs itself (no
// globalSetup) and is left out of `npm test` (vitest.config.ts), since it needs Debian's
// PostgreSQL, PgBouncer, HAProxy and Redis and takes a few minutes.
export default defineConfig({
  test: {
    include: ['test/topology/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 120_000
  }
})
