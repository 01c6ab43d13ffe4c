import { ErrorCode, TokenProxyError, formatMessage } from '../../protocol/errors.js'

/**
 * A session's DPoP key (RFC 9449): an ECDSA P-256 key pair made in the worker with WebCrypto.
 * The private key is created with `extractable: false` and stored as a `CryptoKey` in the session
 * record; IndexedDB's structured clone keeps it non-extractable, so a script that reads the
 * database gets an object that can sign only inside this origin and cannot be exported.
 */
export interface DpopKey {
  /** Non-extractable; signs the session's proofs. */
  privateKey: CryptoKey
  /** The public half as the proofs' `jwk` header carries it (`kty`, `crv`, `x`, `y` only). */
  publicJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string }
}

/** Makes a fresh key pair for one session (one login); never reused across logins. */
export async function generateDpopKey(subtle: SubtleCrypto = crypto.subtle): Promise<DpopKey> {
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
  // WebCrypto always makes the public key of a pair extractable, whatever `extractable` says.
  const { x, y } = await subtle.exportKey('jwk', pair.publicKey)
  if (typeof x !== 'string' || typeof y !== 'string')
    throw new TokenProxyError(
      ErrorCode.UNSUPPORTED,
      formatMessage(
        'make the DPoP key',
        'the browser returned no public key coordinates',
        'Use a browser with WebCrypto P-256 support',
      ),
    )
  return { privateKey: pair.privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x, y } }
}
