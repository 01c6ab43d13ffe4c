import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { EmbeddedJWK, calculateJwkThumbprint, jwtVerify } from 'jose'

/** Where a proof was presented: the token endpoint (login, refresh) or the resource API. */
export type DpopAudience = 'token' | 'api'

/** Why a proof was refused; `use_dpop_nonce` asks the client to retry with the nonce sent. */
export type DpopRefusal =
  'missing' | 'invalid' | 'replayed' | 'wrong_request' | 'stale' | 'wrong_ath' | 'use_dpop_nonce'

export type DpopCheck = { ok: true; jkt: string } | { ok: false; refusal: DpopRefusal }

export interface DpopPresentation {
  /** The `DPoP` header as it arrived (`undefined` when absent or repeated). */
  proof: string | undefined
  method: string
  /** The URL the request was sent to, as the server sees it (its query is ignored). */
  url: string
  /** The access token the request carries, for resource requests: checked against `ath`. */
  accessToken?: string
}

/** How far a proof's `iat` may be from the server's clock. */
const IAT_WINDOW_SECONDS = 60

/**
 * The demo's DPoP proof checks (RFC 9449 §4.3), shared by the auth server and the API: one
 * signature by the `jwk` in the header (ES256), `typ: dpop+jwt`, `htm`/`htu` equal to this request,
 * `iat` within a minute, every `jti` used once, `ath` equal to the hash of the presented access
 * token, and, when the test asks for it, the server's current nonce. Answers the key's
 * thumbprint (`jkt`) for the caller to compare with the token's binding.
 */
export class DpopVerifier {
  /** Test control: require the current nonce from proofs at the token endpoint, at the API. */
  readonly requireNonce: Record<DpopAudience, boolean> = { token: false, api: false }
  /** How many `use_dpop_nonce` challenges were answered, by audience. */
  readonly nonceChallenges: Record<DpopAudience, number> = { token: 0, api: 0 }
  nonce = randomBytes(16).toString('base64url')
  readonly #seenJti = new Map<string, number>()

  /** A new nonce: proofs made with the previous one are challenged once more. */
  rotateNonce(): string {
    this.nonce = randomBytes(16).toString('base64url')
    return this.nonce
  }

  async check(presented: DpopPresentation, audience: DpopAudience): Promise<DpopCheck> {
    if (presented.proof === undefined) return { ok: false, refusal: 'missing' }
    let payload: Record<string, unknown>
    let jwk: Record<string, unknown>
    try {
      const verified = await jwtVerify(presented.proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] })
      payload = verified.payload
      jwk = verified.protectedHeader.jwk as Record<string, unknown>
      // A private key in the header is a broken client; RFC 9449 §4.3 item 7.
      if ('d' in jwk) return { ok: false, refusal: 'invalid' }
    } catch {
      return { ok: false, refusal: 'invalid' }
    }
    const { jti, htm, htu, iat } = payload
    if (typeof jti !== 'string' || jti.length < 16 || typeof iat !== 'number') return { ok: false, refusal: 'invalid' }
    if (htm !== presented.method || htu !== withoutQuery(presented.url)) return { ok: false, refusal: 'wrong_request' }
    const nowSeconds = Math.floor(Date.now() / 1000)
    if (Math.abs(nowSeconds - iat) > IAT_WINDOW_SECONDS) return { ok: false, refusal: 'stale' }
    this.#forgetOldJti(nowSeconds)
    if (this.#seenJti.has(jti)) return { ok: false, refusal: 'replayed' }
    this.#seenJti.set(jti, iat)
    if (presented.accessToken !== undefined && payload['ath'] !== accessTokenHash(presented.accessToken))
      return { ok: false, refusal: 'wrong_ath' }
    if (this.requireNonce[audience] && payload['nonce'] !== this.nonce) {
      this.nonceChallenges[audience] += 1
      return { ok: false, refusal: 'use_dpop_nonce' }
    }
    return { ok: true, jkt: await calculateJwkThumbprint(jwk) }
  }

  /** Proofs older than the `iat` window are refused anyway, so their `jti`s need not be kept. */
  #forgetOldJti(nowSeconds: number): void {
    for (const [jti, iat] of this.#seenJti) if (nowSeconds - iat > 2 * IAT_WINDOW_SECONDS) this.#seenJti.delete(jti)
  }
}

export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url')
}

function withoutQuery(url: string): string {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}`
}

/** What the DPoP checks need of a request: its `DPoP` header, method and URL as this server sees it. */
export function dpopPresentation(request: IncomingMessage, accessToken?: string): DpopPresentation {
  const proof = request.headers['dpop']
  return {
    proof: typeof proof === 'string' ? proof : undefined,
    method: request.method ?? 'GET',
    url: new URL(request.url ?? '/', `http://${request.headers.host ?? 'demo.invalid'}`).href,
    ...(accessToken !== undefined && { accessToken }),
  }
}
