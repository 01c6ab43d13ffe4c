// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'demo/dist/',
      '**/node_modules/',
      'test-results/',
      'playwright-report/',
      'bench/results/',
      // StrykerJS (npm run test:mutation): its sandboxes copy the sources, and its reports.
      '.stryker-tmp/',
      'reports/',
      // Type-checked by the package stage against the installed tarball (npm run test:package).
      'test-package/fixture-app/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A dropped respondWith/waitUntil promise is the classic service-worker bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Command-line entry points and test reporters print by design.
    files: [
      'demo/server/main.ts',
      'e2e/support/summaryReporter.ts',
      'e2e-engines/support/describeEngines.ts',
      'test-support/**',
      'test-package/**',
      'bench/**',
      'scripts/**',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    // Playwright reads fixture dependencies from the destructuring pattern, so `{}` is meaningful.
    files: ['e2e/**', 'examples/**'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    // Plain Node scripts: no type information to lint with.
    files: ['eslint.config.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
)
