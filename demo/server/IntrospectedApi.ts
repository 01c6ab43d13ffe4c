import { API_CLIENT_ID, API_CLIENT_SECRET } from './OidcProvider.ts'

/** What the API saw of one request: never the token. */
export interface IntrospectedApiRecord {
  path: string
  authorized: boolean
  status: number
}

/**
 * A resource server for the OpenID Connect app: it accepts a bearer token only if the provider's
 * introspection endpoint (RFC 7662) says it is active, so it trusts the provider, not the page.
 * The e2e suite's OpenID app (e2e/support/OidcApp.ts) and `npm start` (demo/server/startDemo.ts)
 * both answer their API with it.
 */
export class IntrospectedApi {
  readonly records: IntrospectedApiRecord[] = []
  /** The provider's issuer (`http://127.0.0.1:PORT`), set once it runs. */
  issuer = ''

  /** The answer to a request for `path` with this `Authorization` header: `200` for an active token, else `401`. */
  async answer(path: string, authorization: string | undefined): Promise<{ status: number; body: unknown }> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined
    const introspection = token ? await this.#introspect(token) : undefined
    const authorized = introspection?.['active'] === true
    const status = authorized ? 200 : 401
    this.records.push({ path, authorized, status })
    return { status, body: authorized ? { sub: introspection?.['sub'], path } : { error: 'invalid_token' } }
  }

  async #introspect(token: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.issuer}/token/introspection`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${API_CLIENT_ID}:${API_CLIENT_SECRET}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }),
    })
    return (await response.json()) as Record<string, unknown>
  }
}
