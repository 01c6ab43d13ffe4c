import { defineConfig } from 'vitest/config'

// `npm run test:types`: the type tests of the public API (test-d/), type-checked with tsc, never run.
export default defineConfig({
  test: {
    include: [],
    reporters: ['default', ['./test-support/vitestSummaryReporter.ts', { suite: 'types' }]],
    typecheck: {
      enabled: true,
      only: true,
      include: ['test-d/**/*.test-d.ts'],
      tsconfig: 'test-d/tsconfig.json',
    },
  },
})
