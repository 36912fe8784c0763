import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Run by `npm run test:topology` (vitest.topology.config.ts).
    exclude: [...configDefaults.exclude, 'test/topology/**'],
    globalSetup: ['test/global-setup.ts'],
    // Each file has its own database on the shared cluster, so files run in parallel.
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000
  }
})
