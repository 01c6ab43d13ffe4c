// @ts-check
import js from '@eslint/js'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import { importX } from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

// The library's own code: no import cycles (runtime ones; `import type` is erased), and the
// boundaries below.
const libraryFiles = [
  'sw/**/*.ts',
  'client/**/*.ts',
  'protocol/**/*.ts',
  'playwright/**/*.ts',
  'vite/**/*.ts',
  'vue/**/*.ts',
  'react/**/*.{ts,tsx}',
]

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'demo/dist/',
      'examples/pwa-app/dist/',
      'examples/pwa-prompt-app/dist/',
      'examples/pwa-oidc-app/dist/',
      'examples/vue-app/dist/',
      'examples/react-app/dist/',
      'examples/msw-app/dist/',
      // Mutation testing's reports and sandboxes (npm run test:mutation).
      'reports/',
      '.stryker-tmp/',
      '**/node_modules/',
      'test-results/',
      'playwright-report/',
      'bench/results/',
      // StrykerJS (npm run test:mutation): its sandboxes copy the sources, and its reports.
      '.stryker-tmp/',
      'reports/',
      // Type-checked by the package stage against the installed tarball (npm run test:package).
      'test-package/fixture-app/',
      // The documentation examples' declarations: type-checked with the examples, against the built
      // package (npm run examples:check), which no tsconfig of the repository can see.
      'scripts/examples/',
      // The documentation site's build output and cache, and the reference TypeDoc generates.
      'docs/.vitepress/dist/',
      'docs/.vitepress/cache/',
      'docs/.vitepress/.temp/',
      'docs/reference/',
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
    files: libraryFiles,
    plugins: { 'import-x': importX },
    settings: {
      // Resolves the `.js` specifiers of the sources to their `.ts` files.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.lib.json' })],
      // The files whose imports are followed, and the parser that reads them.
      'import-x/extensions': ['.ts', '.tsx'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      // Dependencies are read for their own imports only: packages are never opened.
      'import-x/ignore': ['node_modules'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // The worker and the page share protocol/ only.
            { target: 'sw', from: 'client', message: 'The worker must not import the page side (share protocol/).' },
            { target: 'client', from: 'sw', message: 'The page must not import the worker side (share protocol/).' },
            { target: 'vue', from: 'sw', message: 'The Vue binding is page code: it must not import the worker side.' },
            { target: 'react', from: 'sw', message: 'The React binding is page code: it uses client/ only.' },
          ],
        },
      ],
    },
  },
  {
    // DPoP (sw/dpop/) reaches the rest of the worker only through its contract (dpopPlugin.ts,
    // credential.ts), the few helpers it shares with the core, and (its entry, index.ts) the core's
    // entry points; the core reaches DPoP only through types and the entry's factory.
    files: ['sw/dpop/**/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { 'dpop-boundary': importX },
    rules: {
      'dpop-boundary/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: 'sw/dpop',
              from: 'sw',
              except: [
                './dpop',
                './dpopPlugin.ts',
                './credential.ts',
                './readBodyWithin.ts',
                './requestRefresh.ts',
                './refreshResult.ts',
                './tokenTarget.ts',
                './glossary.ts',
                './index.ts',
                './installTokenProxy.ts',
                './addTokenProxyRoutes.ts',
              ],
              message: 'sw/dpop/ reaches the rest of the worker only through its contract (see eslint.config.js).',
            },
          ],
        },
      ],
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
      'docs/smoke/**',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    // Playwright reads fixture dependencies from the destructuring pattern, so `{}` is meaningful.
    files: ['e2e/**', 'examples/**', 'docs/smoke/**'],
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
