import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The built demo (its pages and `/sw.js`) that the scenarios serve: the one place naming the folder. */
export const DEMO_BUILD_DIR = fileURLToPath(new URL('../../dist', import.meta.url))

/** Fails with the fix when the demo has not been built. */
export function assertDemoBuilt(): void {
  if (!existsSync(`${DEMO_BUILD_DIR}/sw.js`) || !existsSync(`${DEMO_BUILD_DIR}/minimal.html`)) {
    throw new Error(`[sw-token-proxy] Failed to start the engine tests: the demo is not built in ${DEMO_BUILD_DIR}. Run npx vite build first (npm run test:e2e does).`)
  }
}
