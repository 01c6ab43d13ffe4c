import type { StepUpRequirement } from '../protocol/stepUp.js'
import { apiTokenKind, type ApiTokenKind, type HeldToken } from './apiTokens.js'
import { readBearerChallenge } from './bearerChallenge.js'
import type { Credentials } from './credential.js'
import type { Decision, DecisionLog } from './decisionLog.js'
import { apiLabel, tokenLabel, urlLabel } from './explainRequest.js'
import { noteApiAnswer, type SetupNotes } from './diagnosis.js'
import { longestMatch } from './requestMatching.js'
import { readBytesWithin } from './readBodyWithin.js'
import type { SessionRefresher } from './SessionRefresher.js'
import type { ApiPrefix, TokenTarget } from './tokenTarget.js'
import { isLive, type TokenStore } from './tokenStore.js'
import type { StepUpNotices } from './StepUpNotices.js'

export interface ProxyApiRequestContext {
  store: TokenStore
  refresher: SessionRefresher
  /** Puts the token on the request (Bearer, or DPoP with `dpop: true`), and sends it. */
  credentials: Credentials
  now: () => number
  /**
   * The `api` prefixes: the longest one matching a request says which token it gets (Policy 11),
   * and a 401 from anywhere that is not the same API is not that API's verdict on the token.
   */
  api: readonly ApiPrefix[]
  refreshAheadSeconds: number
  replayBodyLimitBytes: number
  /** RFC 9470: tells the tabs, once per login and requirement, that an API asks for a step-up. */
  stepUpNotices: StepUpNotices
  /** The setup check's notes: an API whose CORS answer hides its `401`'s challenge. */
  notes: SetupNotes
  /** The decision log: checked (`log.enabled`) before any event is built. */
  log: DecisionLog
  /** The worker's origin: the log names URLs on it by path. */
  origin: string
}

/** Keeps the worker alive for a refresh that other tabs may be waiting on (`event.waitUntil`). */
type WaitUntil = (promise: Promise<unknown>) => void

/** A request body copied before the first send so that a 401 can be replayed byte for byte. */
type ReplayableBody =
  | { kind: 'none' }
  | { kind: 'copied'; bytes: Uint8Array<ArrayBuffer> }
  /** Larger than the cap (or unreadable): sent once as it came, never replayed. */
  | { kind: 'not-replayable' }

/**
 * What an API's answer means for the token it was sent with: `renew` (a 401 a new token may fix),
 * `step-up` (RFC 9470: a 401 only a new sign-in can fix), or `pass` (anything else).
 */
type Verdict = (
  | { kind: 'renew' }
  | { kind: 'step-up'; requirement: StepUpRequirement }
  /** `why` (a 401 only): it came from a page redirected to, or named an error a new token cannot fix. */
  | { kind: 'pass'; why?: 'redirected' | 'error' }
) & {
  /** The `WWW-Authenticate` error code of a 401, for the decision log. */
  error?: string | undefined
}

/** Why a 401 is not replayed (`tokenForReplay`): its login is gone, the token was just renewed, no renewal. */
type NoReplay = 'login-gone' | 'refused-after-renewal' | 'not-renewed'

const PASS: Verdict = { kind: 'pass' }

/**
 * Sends an API request with its access token (Policies 3, 5, 10 and 11): the session's own, or,
 * for an `api` entry naming its resource, audience or scopes, the one minted for it (the first
 * request for it, with none yet, mints it). Renews first when the token is about to expire, and on
 * a 401 either replays with a token another request already renewed, or renews once (shared with
 * every other waiting request) and replays once. A request is only ever sent or replayed with
 * tokens of the login it was made under, and a valid token goes out at once: only renewals queue
 * behind other uses of the refresh token.
 *
 * A 401 asking for a step-up (RFC 9470, `insufficient_user_authentication`) is neither refreshed
 * nor replayed: a refresh would mint the same authentication again. The page gets that 401 as it
 * came, and every tab hears `STEP_UP_REQUIRED` once.
 */
export async function proxyApiRequest(
  request: Request,
  api: ApiPrefix,
  context: ProxyApiRequestContext,
  waitUntil: WaitUntil,
): Promise<Response> {
  const { target } = api
  const kind = apiTokenKind(target)
  const { log } = context
  const stored = await context.refresher.usable(await context.store.currentOrStarted())
  if (!stored) {
    if (log.enabled) noteToken(request, api, undefined, 'no-session', context)
    return context.credentials(undefined).send(() => request, false)
  }

  const body = await copyBody(request, context.replayBodyLimitBytes)

  let token = kind.held(stored)
  if (kind.isDue(stored, token, context.now(), context.refreshAheadSeconds)) {
    const renewal = await shared(waitUntil, context.refresher.refresh(token ?? stored.tokens, kind))
    // A failed renewal (offline, 5xx) sends the request with the token it has: the server decides.
    if (renewal.kind === 'renewed') token = kind.held(renewal.record) ?? token
    else if (renewal.kind === 'ended') {
      if (log.enabled) noteToken(request, api, undefined, 'session-ended', context)
      return send(request, body, undefined, context)
    }
  }

  if (log.enabled) noteToken(request, api, token, 'none-minted', context)
  const response = await send(request, body, token, context)
  // Sent without a token (none could be minted): whatever the API says, it did not judge one.
  if (token === undefined) return response
  const verdict = verdictOf(response, context, target)
  if (log.enabled && response.status === 401) note401(request, verdict, body.kind === 'not-replayable', context)
  if (verdict.kind === 'step-up') return stepUp(response, verdict.requirement, token.loginId, context, waitUntil)
  if (verdict.kind === 'pass' || body.kind === 'not-replayable') return response

  const replayWith = await tokenForReplay(token, kind, context, waitUntil)
  if (typeof replayWith === 'string') {
    if (log.enabled) note(request, context, { type: 'replay', replayed: false, why: replayWith })
    return response
  }
  await response.body?.cancel()
  const replayed = await send(request, body, replayWith, context)
  if (log.enabled) note(request, context, { type: 'replay', replayed: true, status: replayed.status })
  const replayVerdict = verdictOf(replayed, context, target)
  if (replayVerdict.kind === 'step-up')
    return stepUp(replayed, replayVerdict.requirement, replayWith.loginId, context, waitUntil)
  if (replayVerdict.kind === 'renew') context.refresher.noteRefusedAfterRenewal(replayWith, target)
  return replayed
}

/** A decision about one API request, before it is named by the request's method and URL. */
type AboutRequest =
  Extract<Decision, { method: string; url: string }> extends infer D
    ? D extends unknown
      ? Omit<D, 'method' | 'url'>
      : never
    : never

/** The decision log: `decision` about `request`, which it names by its method and URL. */
function note(request: Request, context: ProxyApiRequestContext, decision: AboutRequest): void {
  context.log.record({ method: request.method, url: urlLabel(request.url, context.origin), ...decision })
}

/** The decision log: the token the request goes out with, or why it has none. */
function noteToken(
  request: Request,
  api: ApiPrefix,
  token: HeldToken | undefined,
  why: 'no-session' | 'session-ended' | 'none-minted',
  context: ProxyApiRequestContext,
): void {
  const { expiresAt } = token ?? {}
  note(request, context, {
    api: apiLabel(api, context.origin),
    ...(token
      ? {
          type: 'token',
          token: tokenLabel(api),
          secondsLeft: expiresAt == null ? null : Math.round((expiresAt - context.now()) / 1000),
        }
      : { type: 'no-token', why }),
  })
}

/** The decision log: a 401, and what it means for the token (a body too large to copy: no replay). */
function note401(request: Request, verdict: Verdict, notReplayable: boolean, context: ProxyApiRequestContext): void {
  const passes = verdict.kind === 'renew' && notReplayable
  note(request, context, {
    type: 'unauthorized',
    verdict: passes ? 'pass' : verdict.kind,
    error: verdict.error,
    why: passes ? 'not-replayable' : verdict.kind === 'pass' ? verdict.why : undefined,
  })
}

/**
 * The token to replay a 401'd request with, or why the 401 must reach the page: the request's
 * login is gone, this very token was already refused right after its renewal, or no renewal.
 */
async function tokenForReplay(
  sent: HeldToken,
  kind: ApiTokenKind,
  context: ProxyApiRequestContext,
  waitUntil: WaitUntil,
): Promise<HeldToken | NoReplay> {
  const { refresher } = context
  const current = await context.store.current()
  if (!isLive(current) || current.tokens.loginId !== sent.loginId) return 'login-gone'
  // Another request renewed the token while this one was out: replay with it, no new refresh.
  const renewedSince = kind.renewedSince(current, sent)
  if (renewedSince !== undefined) return renewedSince
  if (refresher.wasRefusedAfterRenewal(sent, kind.target)) return 'refused-after-renewal'
  const renewal = await shared(waitUntil, refresher.refresh(sent, kind))
  const renewed = renewal.kind === 'renewed' ? kind.held(renewal.record) : undefined
  if (renewed === undefined) return 'not-renewed'
  // The very token the API just refused is no reason to send the request again; a server that
  // renews by handing it out once more has refused it right after its renewal.
  if (renewed.accessToken !== sent.accessToken) return renewed
  refresher.noteRefusedAfterRenewal(sent, kind.target)
  return 'refused-after-renewal'
}

function shared<T>(waitUntil: WaitUntil, promise: Promise<T>): Promise<T> {
  waitUntil(promise)
  return promise
}

/**
 * A 401 asks for a new token unless the server named another problem (RFC 6750 lets it say
 * `error="invalid_request"` or `"insufficient_scope"`, which a new token would not fix; RFC 9470's
 * `"insufficient_user_authentication"` asks for a step-up instead), or it came from somewhere the
 * request was redirected to that is not the same API (off the `api` prefixes, or onto a prefix
 * with another token): that page's 401 is not the API's verdict on the token, so it is passed on
 * without a refresh, a replay or a step-up notice.
 */
function verdictOf(
  response: Response,
  { api, notes }: ProxyApiRequestContext,
  target: TokenTarget | undefined,
): Verdict {
  if (response.status !== 401) return PASS
  noteApiAnswer(notes, response)
  if (response.redirected) {
    const landedOn = longestMatch(new URL(response.url), api)
    if (landedOn === undefined || landedOn.target?.key !== target?.key) return { kind: 'pass', why: 'redirected' }
  }
  const { error, stepUp } = readBearerChallenge(response)
  if (stepUp) return { kind: 'step-up', requirement: stepUp, error }
  return error === undefined || error === 'invalid_token'
    ? { kind: 'renew', error }
    : { kind: 'pass', why: 'error', error }
}

/**
 * RFC 9470: the 401 goes to the page as it came (its `WWW-Authenticate` names what to ask for),
 * and every tab hears `STEP_UP_REQUIRED`, once per login and requirement. The notice is kept
 * alive with `waitUntil`, not awaited: the page's answer does not wait on the other tabs.
 */
function stepUp(
  response: Response,
  requirement: StepUpRequirement,
  loginId: string,
  context: ProxyApiRequestContext,
  waitUntil: WaitUntil,
): Response {
  waitUntil(context.stepUpNotices.notify(loginId, requirement).catch(() => undefined))
  return response
}

/**
 * Copies the body before the first send, up to `limitBytes`. Inside the worker every body is a
 * stream (Chromium does not say whether the page passed a Blob or a ReadableStream), so the cap,
 * not the body's type, bounds memory; `limitBytes: 0` sends every body as it came, unbuffered.
 */
async function copyBody(request: Request, limitBytes: number): Promise<ReplayableBody> {
  if (request.method === 'GET' || request.method === 'HEAD') return { kind: 'none' }
  if (limitBytes === 0) return { kind: 'not-replayable' }
  const stream = request.body as ReadableStream<Uint8Array<ArrayBuffer>> | null | undefined
  if (stream === null) return { kind: 'none' }
  if (stream === undefined) {
    // Browsers without `Request.body` (Firefox): a Blob knows its size before anything is read.
    const blob = await request.clone().blob()
    if (blob.size === 0) return { kind: 'none' }
    return blob.size <= limitBytes
      ? { kind: 'copied', bytes: new Uint8Array(await blob.arrayBuffer()) }
      : { kind: 'not-replayable' }
  }
  const bytes = await readBytesWithin(request.clone().body, limitBytes)
  return bytes === undefined ? { kind: 'not-replayable' } : { kind: 'copied', bytes }
}

/**
 * Sends the request with `token` (none: as it came) through its credential, which puts the token
 * on it; a DPoP credential answers a `use_dpop_nonce` challenge itself, once, below the refresh
 * and replay logic here.
 */
function send(
  request: Request,
  body: ReplayableBody,
  token: HeldToken | undefined,
  context: ProxyApiRequestContext,
): Promise<Response> {
  return context.credentials(token).send(() => withBody(request, body), body.kind !== 'not-replayable')
}

/**
 * The request to send: the page's own request with its own mode, credentials, signal and
 * headers (the credential adds the token). Never changes the mode (Policy 1).
 */
function withBody(request: Request, body: ReplayableBody): Request {
  const init: RequestInit & { duplex?: 'half' } = {
    headers: new Headers(request.headers),
    // A new Request made in the worker would otherwise carry the worker's URL as referrer.
    referrer: request.referrer,
    referrerPolicy: request.referrerPolicy,
  }
  if (body.kind === 'copied') init.body = body.bytes
  else if (body.kind === 'not-replayable') init.duplex = 'half'
  return new Request(request, init)
}
