import type { Page } from '@playwright/test'
import { formatMessage } from '../protocol/errors.js'
import { SESSION_DATABASE } from '../protocol/storage.js'
import { noStoredSession, rewriteStoredSession } from './storedSession.js'
import { sessionStatus, type SessionStatus } from './tokenProxyState.js'

/**
 * Moves the session clock (Policy 16, docs/behaviour.md) on by `seconds`, as if that long had
 * passed with nobody active in any tab, without waiting (`page.clock` does not reach service
 * workers): the idle timeout, the ceiling, the refresh token's lifetime and the access tokens'
 * expiry all come that much closer. Then asks the worker for its status, which it answers by
 * reading the record again and checking it: so a deadline passed ends the session (every tab
 * hears `session-expired`), and one inside its warning tells every tab `session-expiring`.
 * Answers that status. Every engine.
 *
 * How: moves the instants in the session record in IndexedDB back by `seconds` (any same-origin
 * script can already write it, see SECURITY.md). The token values stay inside the page.
 *
 * @example
 * ```ts no-check
 * await advanceSessionClock(page, 14 * 60) // idle for 14 of the 15 minutes
 * await expect.poll(() => sessionEventTypes(page)).toContain('session-expiring')
 * ```
 */
export async function advanceSessionClock(page: Page, seconds: number): Promise<SessionStatus> {
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(
      formatMessage(
        'advance the session clock',
        `${seconds} is not a number of seconds from 0 up`,
        'Pass how many seconds pass',
      ),
    )
  const change = { moveBackMs: seconds * 1000 }
  if (!(await page.evaluate(rewriteStoredSession, { where: SESSION_DATABASE, change })))
    throw noStoredSession('advance the session clock')
  return sessionStatus(page)
}
