import { base64url } from 'jose'
import type { DpopKey } from './DpopKey.js'

/** What one proof is for: the request it rides on, and what the server asked to see. */
export interface DpopProofClaims {
  /** The HTTP method, as sent. */
  htm: string
  /** The request URL; its query and fragment are left out of the proof (RFC 9449 §4.2). */
  htu: string
  /** The access token the request carries, for resource requests: bound as `ath`. */
  accessToken?: string
  /** The server's latest `DPoP-Nonce`, when it gave one. */
  nonce?: string
}

const encoder = new TextEncoder()

/**
 * A fresh DPoP proof JWT (RFC 9449 §4.2) signed with the session's key: `typ: dpop+jwt`,
 * `alg: ES256`, the public key as `jwk`; a new random `jti` every call, `iat` from the worker's
 * clock (`now`, epoch ms). Signed with WebCrypto directly: ECDSA's raw r‖s output is already the
 * JWS ES256 signature format, so no JOSE library is needed in the worker for this.
 */
export async function createDpopProof(
  key: DpopKey,
  claims: DpopProofClaims,
  now: number,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<string> {
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk }
  const payload: Record<string, string | number> = {
    jti: crypto.randomUUID(),
    htm: claims.htm,
    htu: withoutQueryAndFragment(claims.htu),
    iat: Math.floor(now / 1000),
  }
  if (claims.accessToken !== undefined) payload['ath'] = await accessTokenHash(claims.accessToken, subtle)
  if (claims.nonce !== undefined) payload['nonce'] = claims.nonce
  const signingInput = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`
  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, encoder.encode(signingInput))
  return `${signingInput}.${base64url.encode(new Uint8Array(signature))}`
}

/** `ath`: base64url of the SHA-256 of the access token's ASCII bytes. */
async function accessTokenHash(accessToken: string, subtle: SubtleCrypto = crypto.subtle): Promise<string> {
  return base64url.encode(new Uint8Array(await subtle.digest('SHA-256', encoder.encode(accessToken))))
}

function withoutQueryAndFragment(url: string): string {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}`
}
