import type { Page } from '@playwright/test'
import { SESSION_DATABASE } from '../protocol/storage.js'
import { noStoredSession, rewriteStoredSession } from './storedSession.js'
import { sessionStatus } from './tokenProxyState.js'

/**
 * Makes the worker treat the access token as expired now (and every API's own token, when `api`
 * entries name resources), so the next API request renews it
 * first, without waiting out a real lifetime (`page.clock` does not reach service workers).
 * Every engine.
 *
 * How: sets `expiresAt` in the session record in IndexedDB (which any same-origin script can
 * already write, see SECURITY.md), then asks the worker for its `STATUS`, which it answers by
 * reading the record again: from then on it works with the expired one. The token values stay
 * inside the page; nothing is returned to the test.
 */
export async function expireAccessToken(page: Page): Promise<void> {
  const change = { expireAccessTokens: true } as const
  if (!(await page.evaluate(rewriteStoredSession, { where: SESSION_DATABASE, change }))) throw noSessionToExpire()
  await sessionStatus(page)
}

/** The error for `expireAccessToken` without a session. */
export function noSessionToExpire(): Error {
  return noStoredSession('expire the access token')
}
