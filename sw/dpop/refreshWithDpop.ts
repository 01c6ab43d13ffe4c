import type { RefreshResult } from '../refreshResult.js'
import { requestRefresh, type RefreshEndpoint } from '../requestRefresh.js'
import type { TokenTarget } from '../tokenTarget.js'
import type { DpopKey } from './DpopKey.js'
import type { DpopSupport } from '../dpopPlugin.js'

/**
 * The plain refresh grant with a DPoP proof from the session's key: the refresh token is bound to
 * that key, and the server refuses it with any other (RFC 9449 §5). The one nonce retry happens
 * inside `sender`, under the refresher's lock, so it is part of this one refresh. A server that
 * still answers `use_dpop_nonce` after that retry has not refused the token: that is a passing
 * failure (kept tokens, backoff), never the end of the session. With a `target` (Policy 11) the
 * answer is that API's token, bound to the same key.
 */
export async function refreshWithDpop(
  sender: Pick<DpopSupport, 'fetchWith'>,
  endpoint: RefreshEndpoint,
  refreshToken: string,
  key: DpopKey,
  target?: TokenTarget,
): Promise<RefreshResult> {
  const result = await requestRefresh(sender.fetchWith(key), { ...endpoint, acceptDpop: true }, refreshToken, target)
  if (result.kind === 'ended' && result.reason === 'use_dpop_nonce')
    return { kind: 'failed', reason: 'http_400', retryAfterMs: undefined }
  return result
}
