import { SignJWT } from 'jose'

/**
 * What the unit tests' fake OpenID providers answer (a test helper, never shipped): the discovery
 * document oauth4webapi reads first, and an ID token it accepts for the client `spa`.
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
