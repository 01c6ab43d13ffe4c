import { SignJWT } from 'jose'
import type { PendingSignIns } from './oidcPlugin.js'
import type { PendingSignIn } from './tokenStore.js'

/**
 * What the unit tests' fake OpenID providers answer (a test helper, never shipped): the discovery
 * document oauth4webapi reads first, and an ID token it accepts for the client `spa`; and the
 * sign-ins in progress a plug-in keeps, in memory.
 */

/** The discovery document of `issuer`, with its revocation endpoint at `revocationPath`. */
export function discoveryDocument(issuer: string, revocationPath = '/token/revocation'): Response {
  return Response.json({
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    revocation_endpoint: `${issuer}${revocationPath}`,
  })
}

/** An ID token for user `ada` of client `spa`, signed by `signingKey`, valid for five minutes. */
export function idToken(issuer: string, signingKey: CryptoKey, nonce: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ nonce })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(issuer)
    .setAudience('spa')
    .setSubject('ada')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(signingKey)
}

/**
 * Sign-ins in progress kept in memory, as the worker keeps them (a callback takes its sign-in once),
 * for a plug-in under test; `lastNonce()` is the nonce of the last one begun, for the fake provider's
 * ID token.
 */
export function pendingSignInsInMemory() {
  const saved = new Map<string, PendingSignIn>()
  let lastNonce = ''
  const pendingSignIns: PendingSignIns = {
    save(state, pending) {
      saved.set(state, pending)
      lastNonce = pending.nonce
      return Promise.resolve()
    },
    take(state) {
      const pending = saved.get(state)
      saved.delete(state)
      return Promise.resolve(pending)
    },
  }
  return { pendingSignIns, lastNonce: () => lastNonce }
}
