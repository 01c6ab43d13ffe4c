import { defineConfig } from 'vitest/config'

/**
 * The unit tests Stryker runs against each mutant (`npm run test:mutation`): only those of the
 * mutated folders (sw/, client/, protocol/), without the vite plugin's and test-support's tests
 * and without the summary reporter, which would overwrite test-results/unit-summary.json.
 */
export default defineConfig({
  test: {
    include: ['sw/**/*.test.ts', 'client/**/*.test.ts', 'protocol/**/*.test.ts'],
    environment: 'node',
  },
})
