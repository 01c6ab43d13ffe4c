// @ts-check
/**
 * Mutation testing of the worker, client and protocol sources: `npm run test:mutation` (not part
 * of `npm test`). Reports: the console, reports/mutation/mutation.html and mutation.json.
 * One file or folder: `npx stryker run --mutate 'sw/requestRefresh.ts'`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  // The unit tests of sw/, client/ and protocol/ only (vitest.config.ts also runs vite/'s).
  vitest: { configFile: 'vitest.mutation.config.ts' },
  // Each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  mutate: [
    'sw/**/*.ts',
    'client/**/*.ts',
    'protocol/**/*.ts',
    '!**/*.test.ts',
    '!**/*.d.ts',
    // Test helpers (test*.ts, as tsconfig.lib.json keeps them out of the package): imported by tests only.
    '!**/test*.ts',
  ],
  // A static mutant (a module-level constant, run once at import) must re-run the whole suite in
  // a fresh environment: about 11% of the mutants here but half of the run time. Check one file's
  // statics when needed: `npx stryker run --mutate sw/refreshResult.ts --ignoreStatic false`.
  ignoreStatic: true,
  // The wording of error messages is not mutated (see stryker.ignorers.mjs).
  appendPlugins: ['./stryker.ignorers.mjs'],
  ignorers: ['message-prose'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // The machine (and CI) has two cores.
  concurrency: 2,
  tempDirName: '.stryker-tmp',
}
