import { ErrorCode, TokenProxyError, formatMessage } from '../protocol/errors.js'
import {
  PROTOCOL_VERSION,
  type Reply,
  type RequestMessage,
  type RequestPayloads,
  type RequestType,
} from '../protocol/messages.js'
import { checkSignInOptions } from '../protocol/stepUp.js'
import { LIBRARY_VERSION } from '../protocol/version.js'
import type { EndSessionRequest, TokenProxy, WaitUntil } from './createTokenProxy.js'

/**
 * Answers one page request (each arrives on its own MessageChannel and gets exactly one reply).
 * `claim` makes the active worker control the uncontrolled pages of its scope: the page sends
 * `CLAIM` only when it has no controller although the worker is active (after a shift-reload, or a
 * first visit to a worker that does not claim on activation). It activates no waiting worker.
 * `waitUntil` keeps the worker alive for what outlives the reply (a logout's request). `clientId`
 * is the asking window's (`FOLLOW_DECISIONS`: which tab follows the decision log).
 */
export async function answerRequest(
  proxy: TokenProxy,
  message: RequestMessage,
  claim: () => Promise<void>,
  waitUntil: WaitUntil = () => undefined,
  clientId?: string,
): Promise<Reply<RequestType>> {
  try {
    switch (message.type) {
      case 'HANDSHAKE':
        return { ok: true, payload: { protocolVersion: PROTOCOL_VERSION, workerVersion: LIBRARY_VERSION } }
      case 'CLAIM':
        // A shift-reloaded page has no controller until the active worker claims it (Policy 8).
        await claim()
        return { ok: true, payload: { claimed: true } }
      case 'STATUS':
        return { ok: true, payload: await proxy.status(waitUntil) }
      case 'STAY_ACTIVE':
        return { ok: true, payload: await proxy.stayActive(waitUntil) }
      case 'DIAGNOSE':
        return { ok: true, payload: await proxy.diagnose() }
      case 'FOLLOW_DECISIONS': {
        const on = message.payload.on === true
        if (clientId !== undefined) proxy.followDecisions(clientId, on)
        return { ok: true, payload: { following: on && clientId !== undefined } }
      }
      case 'EXPLAIN':
        return { ok: true, payload: await proxy.explain(explainRequest(message.payload)) }
      case 'LOGOUT': {
        const endSession = endSessionRequest(message.payload)
        const endingAtProvider = await proxy.logout(waitUntil, endSession)
        return { ok: true, payload: { loggedOut: true, ...endingAtProvider } }
      }
      case 'COMPLETE_LOGOUT':
        return { ok: true, payload: await proxy.completeLogout(String(message.payload.callbackUrl)) }
      case 'SIGN_IN': {
        // Checked again here: any script of the origin can post this message, not only the client.
        const { returnTo, ...requirement } = checkSignInOptions(message.payload)
        return { ok: true, payload: { url: await proxy.signIn(returnTo ?? null, requirement) } }
      }
      case 'COMPLETE_SIGN_IN':
        if (typeof message.payload.callbackUrl !== 'string')
          throw new TokenProxyError(
            ErrorCode.SIGN_IN_FAILED,
            formatMessage(
              'complete the sign-in',
              'no callback URL was given',
              'Call completeSignIn() on the redirect page',
            ),
            { reason: 'no_callback' },
          )
        return { ok: true, payload: await proxy.completeSignIn(message.payload.callbackUrl) }
    }
  } catch (error) {
    const proxyError =
      error instanceof TokenProxyError
        ? error
        : new TokenProxyError(
            ErrorCode.WORKER_FAILED,
            formatMessage(
              `answer ${message.type}`,
              'the worker failed unexpectedly',
              'Try again, and check the worker console',
            ),
            { cause: error },
          )
    return { ok: false, error: proxyError.toJSON() }
  }
}

/**
 * `explain()`'s question, made well-formed: any script of the origin can post this message. A mode
 * other than `cors`, `same-origin` and `navigate` is matched as `no-cors` is; a URL that does not
 * parse is refused by the worker's own `new URL()`.
 */
function explainRequest({ url, method, mode, authorization }: RequestPayloads['EXPLAIN']): RequestPayloads['EXPLAIN'] {
  return {
    url: String(url),
    method: String(method ?? 'GET').toUpperCase(),
    mode,
    authorization: authorization === true,
  }
}

/**
 * A page's `logout({ endSession })`. Any script of the origin can post this message; the provider
 * plug-in checks `postLogoutRedirectUri` against the configuration, so anything else is dropped.
 */
function endSessionRequest({ endSession }: RequestPayloads['LOGOUT']): EndSessionRequest | undefined {
  if (endSession === undefined) return undefined
  const { postLogoutRedirectUri } = (typeof endSession === 'object' && endSession) || {}
  return { postLogoutRedirectUri: typeof postLogoutRedirectUri === 'string' ? postLogoutRedirectUri : undefined }
}
