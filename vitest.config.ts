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
      // The React binding; its component tests pick happy-dom with a docblock.
      'react/**/*.test.ts',
      'react/**/*.test.tsx',
    ],
    environment: 'node',
    reporters: ['default', ['./test-support/vitestSummaryReporter.ts', { suite: 'unit' }]],
  },
})
