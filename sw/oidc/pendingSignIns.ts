import type { PendingSignIns, SignInDatabase } from '../oidcPlugin.js'

/** A sign-in not completed within this time is forgotten. */
const PENDING_SIGN_IN_TTL_MS = 15 * 60_000

/**
 * The sign-ins in progress, kept in the worker's database (its `pendingSignIn` object store, keyed
 * by `state`), because the worker may be stopped while the user is at the provider. Here, not in
 * the core, so that workers without OpenID Connect do not ship it.
 */
export function pendingSignInsIn(database: SignInDatabase): PendingSignIns {
  return {
    /** Remembers a sign-in until its callback, and forgets the ones that were never completed. */
    save: (state, pending) =>
      database.transaction('save the sign-in', 'pendingSignIn', async (store) => {
        let cursor = await store.openCursor()
        while (cursor) {
          if (pending.createdAt - cursor.value.createdAt > PENDING_SIGN_IN_TTL_MS) await cursor.delete()
          cursor = await cursor.continue()
        }
        await store.put(pending, state)
      }),
    /** Answers the sign-in started with `state` and forgets it: a callback is redeemed only once. */
    async take(state, now) {
      const pending = await database.transaction('read the sign-in', 'pendingSignIn', async (store) => {
        const found = await store.get(state)
        if (found) await store.delete(state)
        return found
      })
      return pending && now - pending.createdAt <= PENDING_SIGN_IN_TTL_MS ? pending : undefined
    },
  }
}
