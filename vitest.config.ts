import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'sw/**/*.test.ts',
      'client/**/*.test.ts',
      'protocol/**/*.test.ts',
      'vite/**/*.test.ts',
      'vue/**/*.test.ts',
      'playwright/**/*.test.ts',
      'test-support/**/*.test.ts',
    ],
    environment: 'node',
    reporters: ['default', ['./test-support/vitestSummaryReporter.ts', { suite: 'unit' }]],
  },
})
