import { existsSync } from 'node:fs'
import { demoBuildDir } from '../../demo/server/demoBuildDir.ts'

/** The built demo (its pages and `/sw.js`) that the scenarios serve. */
export const DEMO_BUILD_DIR = demoBuildDir

/** Fails with the fix when the demo has not been built. */
export function assertDemoBuilt(): void {
  if (!existsSync(`${DEMO_BUILD_DIR}/sw.js`) || !existsSync(`${DEMO_BUILD_DIR}/minimal.html`)) {
    throw new Error(
      `[sw-token-proxy] Failed to start the engine tests: the demo is not built in ${DEMO_BUILD_DIR}. Run npm run build:demo first (npm run test:e2e does).`,
    )
  }
}
