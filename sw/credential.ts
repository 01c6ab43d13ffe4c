import type { DpopKey } from './dpop/DpopKey.js'

/**
 * An access token as it goes on a request: the token, and for a DPoP-bound one (RFC 9449) the
 * session key that proves it. Bearer or DPoP is a property of the token, read here, nowhere else.
 */
interface TokenOnRequest {
  accessToken: string
  /** `'DPoP'` for a token bound to `dpopKey`; `undefined` for a bearer token. */
  tokenType: 'DPoP' | undefined
  dpopKey: DpopKey | undefined
}

/**
 * The one piece of code that puts an access token on an outgoing request (`Authorization`, and for
 * DPoP the `DPoP` proof): API requests and their replays, logout, and WebSocket tickets (an API
 * request) all send through a credential.
 */
interface Credential {
  /**
   * Sends `build()` with the token on it. `build` answers a new, mutable `Request` each call.
   * `canRetry: false` says its body cannot be sent twice (a stream past the replay cap): a DPoP
   * credential then hands a nonce challenge to the caller instead of sending again.
   */
  send(build: () => Request, canRetry: boolean): Promise<Response>
}

/** Answers the credential for a token; `undefined`: the request goes out as the page made it. */
export type Credentials = (token: TokenOnRequest | undefined) => Credential

/** Bearer tokens (RFC 6750): `Authorization: Bearer <token>`, sent once. */
export function bearerCredentials(fetch: typeof globalThis.fetch): Credentials {
  return (token) => ({
    send(build) {
      const request = build()
      if (token) request.headers.set('Authorization', `Bearer ${token.accessToken}`)
      return fetch(request)
    },
  })
}
