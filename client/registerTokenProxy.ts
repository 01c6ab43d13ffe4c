import { ErrorCode, TokenProxyError, formatMessage, type SerializedError } from '../protocol/errors.js'
import {
  PROTOCOL_VERSION,
  SESSION_EVENT_NAMES,
  isBroadcastMessage,
  isDecisionsMessage,
  isWorkerErrorMessage,
  type BroadcastPayloads,
  type ReplyPayloads,
  type RequestPayloads,
  type RequestType,
  type SessionStatus,
} from '../protocol/messages.js'
import { checkSignInOptions, type SignInOptions } from '../protocol/stepUp.js'
import { LIBRARY_VERSION } from '../protocol/version.js'
import type { TokenProxyDecision, TokenProxyExplanation } from '../protocol/decisions.js'
import { askWorker, isOwnWorker, withTimeout } from './askWorker.js'
import { DecisionWatch } from './decisionWatch.js'
import {
  diagnoseHere,
  PageWatch,
  printProblems,
  problemsOf,
  workerBlockedByCsp,
  type SetupFacts,
  type TokenProxyProblem,
  type TokenProxyProblemCode,
  type Violation,
} from './diagnose.js'
import { reportInput, SessionClockWatch } from './sessionClockWatch.js'
import { WorkerWatch, type WorkerProblem } from './workerWatch.js'
import { TokenProxyUnsupportedError } from './TokenProxyUnsupportedError.js'

/** What {@link registerTokenProxy} registers, and how long it waits. All optional. */
export interface RegisterTokenProxyOptions {
  /** The worker script. Default `'/sw.js'`. */
  url?: string
  /**
   * The registration scope. Default: the scope of the registration that already runs this script
   * (the app's own, say vite-plugin-pwa's `registerSW()`), else the script's directory, as the
   * browser decides.
   */
  scope?: string
  /**
   * How the worker script was built: `'classic'` (default), one script that every browser with
   * service workers runs, or `'module'`, an ES module worker (browsers without module service
   * workers, older Firefox among them, refuse to register it).
   */
  type?: WorkerType
  /** How long to wait for the worker to take control and to answer a message. Default 10 000 ms. */
  timeoutMs?: number
  /**
   * Whether the browser's HTTP cache may answer the update checks of the script
   * ({@link https://w3c.github.io/ServiceWorker/#dom-registrationoptions-updateviacache | updateViaCache}).
   * Default: the value of the registration that already runs this script, else the browser's
   * default (`'imports'`: the script itself is always fetched past the HTTP cache, which is all a
   * bundled worker is). A `register()` with another value than the registration's forces a fetch
   * of the script, so two registrations of one script that disagree (this one and the app's own:
   * workbox-window, vite-plugin-pwa's `registerSW()`) would swap the value, and fetch the script,
   * on every load.
   */
  updateViaCache?: ServiceWorkerUpdateViaCache
  /**
   * Whether the page prints the setup check's problems ({@link TokenProxyClient.diagnose}) in its
   * console: `true`, `false`, or `'auto'` (default), on a development host only: `localhost`,
   * `*.localhost`, `127.0.0.1` or `[::1]`, and not in a browser driven by automation
   * (`navigator.webdriver`: Playwright, WebDriver, Puppeteer): there the app's own tests run, and
   * the check would add requests they did not make (an OpenID Connect worker fetches its issuer's
   * discovery document) and warnings to their reports. `true` prints there too. The check runs
   * when the registration resolves (or fails) and again 5 seconds later, once the app's first
   * requests went out; each problem is printed once per page load, one `console.warn` line each.
   * `diagnose()` works either way.
   */
  diagnose?: boolean | 'auto'
  /**
   * Dev only: the decision log. The worker tells this page every decision it makes (which `api`
   * entry a request matched or why none did, the token it got and its seconds left, renewals
   * started and joined, 401 verdicts, replays, step-ups, logouts, session ends), and the page
   * prints each as one collapsed console group, `[sw-token-proxy] GET /api/me → …`. No decision
   * carries a token. Off by default, and then it costs the worker nothing; `on('decision')` gets
   * the same events without printing them.
   */
  debug?: boolean
}

/** What `logout()` takes. */
export interface LogoutOptions {
  /**
   * OpenID Connect: also end the session at the provider (RP-Initiated Logout), so that the next
   * "Sign in" asks for the login again (a shared device). The session ends here first, exactly as
   * without it; then the browser goes to the provider's `end_session_endpoint` with the ID token
   * as `id_token_hint`, through a page of this origin that the worker answers with the redirect:
   * page script never holds the ID token. Rejects, once the session has ended here, when the
   * provider has no such endpoint or the worker has no `oidc` options.
   *
   * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html OpenID Connect RP-Initiated Logout 1.0
   */
  endSession?: boolean
  /** With `endSession`: where the provider sends the user back, one of the worker's `oidc.postLogoutRedirectUri`. */
  postLogoutRedirectUri?: string
}

/**
 * What `status()` answers: the worker's session status, and how this page's registration went.
 */
export interface TokenProxyStatus extends SessionStatus {
  /**
   * Present when `registerTokenProxy()` could not fetch the worker script (offline, a flaky
   * network) and resolved with the worker that already controls this page: that worker serves as
   * before, and the browser checks for an update again on a later load.
   */
  registrationError?: SerializedError
  /**
   * Present once the worker this page registered is no longer the one it can trust: another script
   * took its scope, or its registration is gone or stopped answering (see `'worker-replaced'` and
   * `'worker-lost'`).
   */
  worker?: WorkerProblem
}

/**
 * Session events, named for {@link TokenProxyClient.on}, with their payloads. Each maps to one
 * worker broadcast ({@link SESSION_EVENT_NAMES}) and reaches every tab, controlled or not.
 */
export interface SessionEvents {
  /** Someone logged in (in this tab or another): `expiresAt` of the new access token. */
  'session-started': BroadcastPayloads['SESSION_STARTED']
  /** The access token was renewed, once for all tabs: its new `expiresAt`. */
  'session-refreshed': BroadcastPayloads['SESSION_REFRESHED']
  /**
   * The session is over without a logout (the refresh token was refused, or the worker's
   * configuration changed; see `reason`): send the user to log in.
   */
  'session-expired': BroadcastPayloads['SESSION_EXPIRED']
  /** Someone logged out, in this tab or another. */
  'session-ended': BroadcastPayloads['SESSION_ENDED']
  /**
   * A refresh failed for a passing reason (offline, 5xx, 429, a malformed answer); the session is
   * kept and the renewal tried again after `retryAt`.
   */
  'refresh-failed': BroadcastPayloads['REFRESH_FAILED']
  /**
   * An API asked for a stronger or more recent authentication (RFC 9470 step-up:
   * `401` with `WWW-Authenticate: Bearer error="insufficient_user_authentication"`), with the
   * `acrValues` and `maxAge` it named. Once per login and requirement, in every tab; the session
   * goes on. With OpenID Connect, pass the detail to `signIn()`; otherwise re-authenticate your way.
   *
   * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 RFC 9470 §3, the step-up challenge
   */
  'step-up-required': BroadcastPayloads['STEP_UP_REQUIRED']
  /**
   * The session clock (Policy 16): the session ends at `endsAt`, in `secondsLeft`, for `reason`;
   * once per deadline, in every tab, `session.warnBeforeSeconds` before it. With `reason: 'idle'`,
   * `stayActive()` (a "Stay signed in" button) or any API request keeps it; the other reasons are
   * final: save the user's work.
   */
  'session-expiring': BroadcastPayloads['SESSION_EXPIRING']
  /** A `'session-expiring'` warning is withdrawn (a tab was active): the session's deadlines now. */
  'session-extended': BroadcastPayloads['SESSION_EXTENDED']
}

/** What `reportActivity()` takes. */
export interface ReportActivityOptions {
  /** Report at most once per this many seconds. Default 30. */
  throttleSeconds?: number
}

/** The name of a session event: `'session-started'`, `'session-expired'`… */
export type SessionEventName = keyof SessionEvents

/**
 * What this page learns of its worker itself, not from it: each at most once per page. A script on
 * the origin can unregister the worker or register another in its place; the page notices and says
 * so, it cannot prevent it (see the docs' "A worker the page can trust").
 */
export interface WorkerEvents {
  /** Another script took (or is installing into) the scope this page registered its worker for. */
  'worker-replaced': {
    /** The script that now holds the scope, or is installing into it. */
    scriptURL: string
  }
  /** The worker this page registered is gone. */
  'worker-lost': {
    /** `'unregistered'`: its registration was removed; `'unresponsive'`: a message to it went unanswered. */
    reason: 'unregistered' | 'unresponsive'
  }
}

/** The decision log, for {@link TokenProxyClient.on}. */
export interface DecisionEvents {
  /**
   * One decision of the worker (see {@link TokenProxyDecision}): the worker sends them to this tab
   * while it has a `'decision'` listener (or was registered with `debug: true`). Never a token.
   */
  decision: TokenProxyDecision
}

/**
 * Everything {@link TokenProxyClient.on} listens for: the session events, the worker events and
 * the decision log.
 */
export type TokenProxyEvents = SessionEvents & WorkerEvents & DecisionEvents

/** The name of anything {@link TokenProxyClient.on} listens for. */
export type TokenProxyEventName = keyof TokenProxyEvents

/**
 * What {@link registerTokenProxy} resolves with: the page's handle on the worker. Nothing on it
 * ever returns a token.
 */
export interface TokenProxyClient {
  /** Listens for a session or worker event in this tab; returns the function that stops listening. */
  on<E extends TokenProxyEventName>(event: E, listener: (payload: TokenProxyEvents[E]) => void): () => void
  /**
   * Whether there is a session and when its access token expires, and, after an offline start,
   * that the script could not be fetched ({@link TokenProxyStatus.registrationError}). Never a token.
   */
  status(): Promise<TokenProxyStatus>
  /**
   * Logs out everywhere: the worker clears the tokens and tells every tab (`'session-ended'`)
   * first, then calls the `logout` endpoint with the ended session's token (and, with OpenID
   * Connect, revokes the refresh token). Resolves once the session has ended here, whatever the
   * servers answer; rejects with `ERR_STORAGE_FAILED` if the tokens could not be cleared.
   *
   * @see https://www.rfc-editor.org/rfc/rfc7009#section-2 RFC 7009 §2, token revocation
   */
  logout(options?: LogoutOptions): Promise<void>
  /**
   * The session clock: the user is here. Resets the idle timeout (`session.idleSeconds`) for every
   * tab, and withdraws an idle warning in every tab (`'session-extended'`); never moves a ceiling.
   * For a "Stay signed in" button.
   */
  stayActive(): Promise<void>
  /**
   * Opt-in: reports this page's user input (pointer, keys, wheel, touch) to the worker as
   * activity, at most every `throttleSeconds`, so a user reading a long page in one tab is not
   * idle in any. Returns the function that stops it.
   */
  reportActivity(options?: ReportActivityOptions): () => void
  /**
   * RP-Initiated Logout, on the page the provider sent the browser back to
   * (`oidc.postLogoutRedirectUri`): checks its `state` with the worker and removes it from the
   * address bar. `endedAtProvider` is `true` only when a `logout({ endSession: true })` of this
   * worker sent the user there (a bookmark, a forged link, or a worker restarted meanwhile:
   * `false`).
   */
  completeLogout(): Promise<{
    /** Whether a `logout({ endSession: true })` of this worker sent the user to the provider and back here. */
    endedAtProvider: boolean
  }>
  /**
   * OpenID Connect: sends the user to the provider to sign in (authorization code + PKCE). The
   * worker makes and keeps the PKCE verifier, state and nonce; this page only navigates.
   * `returnTo` is where `completeSignIn()` says to go afterwards. For a step-up (RFC 9470), pass
   * the `'step-up-required'` event's `acrValues` and `maxAge`: the provider is asked for them, and
   * the new sign-in's tokens replace the session's. Rejects with `ERR_INVALID_OPTIONS` for
   * malformed values, before anything is sent.
   *
   * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth OpenID Connect Core 1.0 §3.1, authorization code flow
   * @see https://www.rfc-editor.org/rfc/rfc7636 RFC 7636, PKCE
   * @see https://www.rfc-editor.org/rfc/rfc9470#section-4 RFC 9470 §4, step-up authorization request
   *
   * @example
   * ```ts
   * proxy.on('step-up-required', ({ acrValues, maxAge }) =>
   *   void proxy.signIn({ acrValues, maxAge, returnTo: location.pathname }))
   * ```
   */
  signIn(options?: SignInOptions): Promise<void>
  /**
   * OpenID Connect: on the redirect page, hands the callback to the worker, which checks it and
   * redeems the code; the tokens stay in the worker. Removes `code` and `state` from the address
   * bar and answers the `returnTo` given to `signIn()`.
   */
  completeSignIn(): Promise<{
    /** The `returnTo` given to `signIn()`, or `null`: where to send the user now. */
    returnTo: string | null
  }>
  /**
   * The setup check: what keeps requests from getting their token, each problem with its fix
   * (an empty list when all is well). It looks at the page (its controller and scope, the
   * Content-Security-Policy violations and the paths of its `fetch`/XHR requests since it
   * registered) and asks the worker what it noted (the static routes, a Workbox route that takes
   * an `api` prefix, an API whose CORS hides `WWW-Authenticate`, an OpenID issuer whose discovery
   * document is unreachable or names another issuer). Never a token; meant for development, where
   * `registerTokenProxy()` prints the problems by itself (see `diagnose` in its options).
   *
   * @example
   * ```ts
   * for (const problem of await proxy.diagnose()) console.warn(problem.code, problem.fix)
   * ```
   */
  diagnose(): Promise<TokenProxyProblem[]>
  /**
   * What the worker would do with this request, and why: the role it gets (or why it passes, with
   * the nearest `api` prefix), whether it would carry a token, which one, whether the session holds
   * it and its seconds left, and what the static routes do with it. Decided by the very matching
   * step real requests go through; nothing is sent. `init` as for `fetch()` (only `method`,
   * `mode` and whether `headers` has an `Authorization` are read). Never a token.
   *
   * @example
   * ```ts
   * const { attachesToken, why, nearest } = await proxy.explain('/apix')
   * // false, 'not-on-a-prefix', { api: '/api/', why: 'segment-boundary' }
   * ```
   */
  explain(url: string | URL, init?: Pick<RequestInit, 'method' | 'mode' | 'headers'>): Promise<TokenProxyExplanation>
  /** The browser's registration of the worker, for update prompts and the like. */
  readonly registration: ServiceWorkerRegistration
}

/**
 * Registers the token-proxy worker and resolves once it controls this page, so the app's next
 * `fetch` already goes through it. After a shift-reload (which leaves a page uncontrolled) it asks
 * the active worker to claim the page. Warns, with the fix, when page and worker versions differ.
 * Beside an app's own registration of the same script it keeps that registration's `scope` and
 * `updateViaCache`, so it never causes an update check the app did not ask for.
 *
 * Rejects, never hangs:
 * - at once with {@link TokenProxyUnsupportedError} (`ERR_UNSUPPORTED`) where this browser cannot
 *   keep a session (no service worker, no IndexedDB, an insecure page): render its `userMessage`;
 * - with `ERR_REGISTRATION_FAILED` when the script cannot be registered or installed (a 404, a
 *   script that throws, an ES-module build registered as classic), naming the usual causes;
 *   except when the script cannot be fetched at all (offline) while a worker of the same script
 *   already controls the page: then it resolves with that worker, and `status()` says so;
 * - with `ERR_INVALID_OPTIONS` and the worker's own message when the worker's options are invalid.
 *
 * @example
 * ```ts
 * import { registerTokenProxy } from 'sw-token-proxy/client'
 *
 * const proxy = await registerTokenProxy({ url: '/sw.js' })
 * proxy.on('session-expired', ({ reason }) => showLogin(reason))
 * const me = await fetch('/api/me') // the worker adds the token
 * ```
 */
export async function registerTokenProxy(options: RegisterTokenProxyOptions = {}): Promise<TokenProxyClient> {
  const { url = '/sw.js', type = 'classic', timeoutMs = 10_000 } = options
  const unsupported = unsupportedHere()
  if (unsupported) throw unsupported
  const container = navigator.serviceWorker
  const scriptUrl = new URL(url, location.href).href
  // The setup check's page half: CSP violations and request paths from now on.
  const pageWatch = new PageWatch()
  pageWatch.start(document)
  const printing = diagnoseHere(options.diagnose ?? 'auto', location.hostname, navigator.webdriver === true)
  const printed = new Set<string>()

  // Listen before anything can be posted, so no broadcast is missed while registering.
  const listeners = new Map<TokenProxyEventName, Set<(payload: never) => void>>()
  const emit = (name: TokenProxyEventName, payload: unknown) => {
    for (const listener of listeners.get(name) ?? []) (listener as (payload: unknown) => void)(payload)
  }
  // Set once registered: until then there is no worker of this page's to watch.
  const watching: { worker?: WorkerWatch } = {}
  /** `ask`, noting a worker that does not answer (a stuck or vanished worker). */
  const askOwn = async <T extends RequestType>(type: T, payload: RequestPayloads[T]) => {
    try {
      return await ask(type, payload, timeoutMs)
    } catch (error) {
      if (error instanceof TokenProxyError && error.code === ErrorCode.REPLY_TIMEOUT) watching.worker?.noteUnanswered()
      throw error
    }
  }
  // The decision log's page half: follows the worker's log while this page wants it.
  const decisions = new DecisionWatch((on) => askOwn('FOLLOW_DECISIONS', { on }), options.debug === true)
  // The session clock's page half: checks the worker at the warning and at the end.
  const clockWatch = new SessionClockWatch(() => askOwn('STATUS', {}))
  let reportWorkerError: (error: TokenProxyError) => void = () => {}
  const workerError = new Promise<TokenProxyError>((resolve) => (reportWorkerError = resolve))
  container.addEventListener('message', (event: MessageEvent) => {
    if (!isOwnWorker(event.source, scriptUrl)) return
    if (isWorkerErrorMessage(event.data)) {
      // The worker could not start (its options): say why here too, not only in its own console.
      const error = TokenProxyError.fromJSON(event.data.payload.error)
      console.error(error.message)
      return reportWorkerError(error)
    }
    if (isDecisionsMessage(event.data))
      return decisions.receive(event.data.payload.decisions, (decision) => emit('decision', decision))
    if (!isBroadcastMessage(event.data)) return
    if (event.data.type === 'SESSION_EXPIRED' || event.data.type === 'SESSION_ENDED') clockWatch.stop()
    else if (event.data.type !== 'REFRESH_FAILED' && event.data.type !== 'STEP_UP_REQUIRED') void clockWatch.refresh()
    emit(SESSION_EVENT_NAMES[event.data.type], event.data.payload)
  })
  container.startMessages()

  const existing = await registrationOf(container, scriptUrl, options.scope)
  const scope = options.scope ?? existing?.scope
  // Unset for a new registration: the browser's default ('imports'), which is also what
  // workbox-window and vite-plugin-pwa's registerSW() register with.
  const updateViaCache = options.updateViaCache ?? existing?.updateViaCache
  let registration: ServiceWorkerRegistration | undefined
  let registrationError: TokenProxyError | undefined
  /** The check's facts before the worker is asked: what the page knows by itself. */
  const pageFacts = (): SetupFacts => ({
    page: location.href,
    script: scriptUrl,
    scope: registration?.scope,
    controller: container.controller?.scriptURL ?? null,
    violations: pageWatch.violations,
    requests: pageWatch.requests,
  })
  /** A failed registration: with the check on, what the page can say of it, before rejecting. */
  const failed = (error: unknown): never => {
    if (printing)
      printProblems(
        problemsOf(pageFacts()).filter((problem) => problem.code !== 'not-controlled'),
        printed,
      )
    throw error
  }
  try {
    registration = await register(
      container,
      url,
      {
        ...(scope !== undefined && { scope }),
        type,
        ...(updateViaCache !== undefined && { updateViaCache }),
      },
      // Service workers are not blocked here when one is registered already.
      existing === undefined && options.scope === undefined,
      pageWatch.violations,
    )
  } catch (error) {
    if (!existing || !(await servesWithoutScript(container, existing, scriptUrl, error))) failed(error)
    registration = existing!
    registrationError = error as TokenProxyError
    console.warn(
      formatMessage(
        `update the service worker ${url}`,
        'the script could not be fetched (offline, or the network failed)',
        'The worker that controls this page keeps serving; the browser checks for an update on a later load',
      ),
    )
  }
  const registered = registration
  if (printing && !location.href.startsWith(registered.scope))
    printProblems(
      problemsOf(pageFacts()).filter((problem) => problem.code === 'scope-excludes-page'),
      printed,
    )
  await withTimeout(
    waitForControl(container, registered, url, scriptUrl, workerError, timeoutMs),
    timeoutMs,
    'take control of the page',
  ).catch(failed)
  const versions = await checkVersions(timeoutMs)
  decisions.want(0)
  void clockWatch.refresh()
  const workerWatch = new WorkerWatch(container, registered, scriptUrl, (problem) => {
    console.warn(workerProblemMessage(url, problem))
    if (problem.state === 'replaced') emit('worker-replaced', { scriptURL: problem.scriptURL })
    else emit('worker-lost', { reason: problem.reason })
  })
  workerWatch.start()
  watching.worker = workerWatch

  const diagnose = async (): Promise<TokenProxyProblem[]> => {
    await workerWatch.check()
    const facts: SetupFacts = { ...pageFacts(), worker: workerWatch.problem, versions }
    // Only this page's own worker of this version knows the message.
    if (facts.controller !== null && isOwnWorker(container.controller, scriptUrl) && !versions) {
      try {
        facts.findings = await askOwn('DIAGNOSE', {})
      } catch (error) {
        facts.findingsError =
          error instanceof TokenProxyError && error.code === ErrorCode.REPLY_TIMEOUT
            ? `it did not answer within ${timeoutMs} ms`
            : `it answered with an error (${error instanceof TokenProxyError ? error.code : String(error)})`
      }
    }
    return problemsOf(facts)
  }
  if (printing) {
    const check = () =>
      void diagnose()
        .then((problems) =>
          printProblems(
            problems.filter((problem) => !WARNED_ALREADY.has(problem.code)),
            printed,
          ),
        )
        .catch(() => undefined)
    check()
    // Once more when the app's first requests went out: the paths they took.
    setTimeout(check, 5_000)
  }

  const stayActive = async () => clockWatch.follow(await askOwn('STAY_ACTIVE', {}))
  return {
    registration: registered,
    diagnose,
    explain: (url, init = {}) =>
      askOwn('EXPLAIN', {
        url: new URL(url, location.href).href,
        method: (init.method ?? 'GET').toUpperCase(),
        mode: init.mode === 'same-origin' || init.mode === 'no-cors' || init.mode === 'navigate' ? init.mode : 'cors',
        authorization: new Headers(init.headers).has('Authorization'),
      }),
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      if (event === 'decision') decisions.want(set.size)
      return () => {
        set.delete(listener)
        if (event === 'decision') decisions.want(set.size)
      }
    },
    status: async () => {
      await workerWatch.check()
      const status = await askOwn('STATUS', {})
      clockWatch.follow(status)
      const worker = workerWatch.problem
      return {
        ...status,
        ...(registrationError && { registrationError: registrationError.toJSON() }),
        ...(worker && { worker }),
      }
    },
    stayActive,
    reportActivity: ({ throttleSeconds = 30 }: ReportActivityOptions = {}) =>
      reportInput(() => void stayActive().catch(() => undefined), throttleSeconds * 1000),
    logout: async ({ endSession = false, postLogoutRedirectUri }: LogoutOptions = {}) => {
      const { endSessionUrl } = await askOwn(
        'LOGOUT',
        endSession ? { endSession: postLogoutRedirectUri === undefined ? {} : { postLogoutRedirectUri } } : {},
      )
      if (endSessionUrl !== undefined) location.assign(endSessionUrl)
    },
    completeLogout: async () => {
      const callbackUrl = location.href
      const address = new URL(callbackUrl)
      address.searchParams.delete('state')
      history.replaceState(history.state, '', address.pathname + address.search + address.hash)
      return askOwn('COMPLETE_LOGOUT', { callbackUrl })
    },
    signIn: async (signInOptions) => {
      const { url } = await askOwn('SIGN_IN', checkSignInOptions(signInOptions))
      location.assign(url)
    },
    completeSignIn: async () => {
      const callbackUrl = location.href
      // The code is single-use and useless without the worker's verifier, but it has no business
      // staying in the address bar or the history.
      history.replaceState(history.state, '', location.pathname)
      return askOwn('COMPLETE_SIGN_IN', { callbackUrl })
    },
  }
}

/** What the registration warns of by itself: the setup check does not print them again. */
const WARNED_ALREADY: ReadonlySet<TokenProxyProblemCode> = new Set([
  'version-mismatch',
  'worker-replaced',
  'worker-lost',
])

/** The console line for a worker this page can no longer trust, in the library's voice. */
function workerProblemMessage(url: string, problem: WorkerProblem): string {
  if (problem.state === 'replaced')
    return formatMessage(
      `keep the service worker ${url}`,
      `another script, ${problem.scriptURL}, took its scope`,
      'If the app did not register it, a script on this origin did: requests may now go out without the proxy',
    )
  return formatMessage(
    `reach the service worker ${url}`,
    problem.reason === 'unregistered' ? 'its registration was removed' : 'it did not answer a message in time',
    'Reload the page to register it again; if the app did not remove it, a script on this origin did',
  )
}

/** Where the proxy cannot work at all, the reason, found without touching the network. */
function unsupportedHere(): TokenProxyUnsupportedError | undefined {
  if (typeof isSecureContext === 'boolean' && !isSecureContext)
    return new TokenProxyUnsupportedError('insecure-context')
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator) || !navigator.serviceWorker)
    return new TokenProxyUnsupportedError('no-service-worker')
  if (!hasIndexedDb()) return new TokenProxyUnsupportedError('no-indexeddb')
  return undefined
}

function hasIndexedDb(): boolean {
  try {
    // Reading it throws in some sandboxed and storage-blocked documents.
    return typeof indexedDB === 'object' && indexedDB !== null
  } catch {
    return false
  }
}

/** The registration that already runs `scriptUrl` for this page (or for `scope`), if any. */
async function registrationOf(
  container: ServiceWorkerContainer,
  scriptUrl: string,
  scope: string | undefined,
): Promise<ServiceWorkerRegistration | undefined> {
  const registration = await container.getRegistration(scope ?? location.href)
  const worker = registration && (registration.active ?? registration.waiting ?? registration.installing)
  return worker?.scriptURL === scriptUrl ? registration : undefined
}

/**
 * Whether a failed `register()` can be set aside: the script could not be fetched at all (no HTTP
 * answer: offline, a failed network) and an active worker of the same script controls this page.
 * A script that the server answers (a 404, a 500) is a real failure, reported as such.
 */
async function servesWithoutScript(
  container: ServiceWorkerContainer,
  registration: ServiceWorkerRegistration,
  scriptUrl: string,
  error: unknown,
): Promise<boolean> {
  if (!(error instanceof TokenProxyError) || error.code !== ErrorCode.REGISTRATION_FAILED) return false
  if (registration.active?.scriptURL !== scriptUrl || container.controller?.scriptURL !== scriptUrl) return false
  try {
    const answer = await fetch(scriptUrl, { cache: 'no-store', credentials: 'same-origin' })
    await answer.body?.cancel()
    return false
  } catch {
    return true
  }
}

async function register(
  container: ServiceWorkerContainer,
  url: string,
  options: RegistrationOptions,
  mayBeBlocked: boolean,
  violations: readonly Violation[],
): Promise<ServiceWorkerRegistration> {
  try {
    return await container.register(url, options)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    // The page's Content-Security-Policy (worker-src, else script-src) forbids the script: a setup
    // mistake, not a browser that cannot keep a session. The violation event may come a task later.
    if (error instanceof DOMException && error.name === 'SecurityError') {
      await new Promise((resolve) => setTimeout(resolve, 0))
      const violation = violations.find(({ directive }) => directive === 'worker-src' || directive === 'script-src')
      if (violation || /content security policy/i.test(detail)) {
        const [, action, why, remedy] = workerBlockedByCsp(url, violation?.directive)
        throw new TokenProxyError(ErrorCode.REGISTRATION_FAILED, formatMessage(action, why, remedy), { cause: error })
      }
    }
    // With a same-origin script and the default scope, a SecurityError is the browser refusing
    // service workers to this document (site data blocked, an opaque origin), not a mistake in
    // the app's registration.
    const sameOrigin = new URL(url, location.href).origin === location.origin
    if (error instanceof DOMException && error.name === 'SecurityError' && sameOrigin && mayBeBlocked) {
      throw new TokenProxyUnsupportedError('blocked', { detail, cause: error })
    }
    throw new TokenProxyError(ErrorCode.REGISTRATION_FAILED, registrationFailed(url, `the browser said "${detail}"`), {
      cause: error,
    })
  }
}

/**
 * The worker console is where a worker that failed to start says why; the page only hears
 * "script evaluation failed". These are the causes we have seen.
 */
function registrationFailed(url: string, why: string): string {
  return formatMessage(
    `register the service worker ${url}`,
    why,
    "Look at the worker's console for its error (DevTools > Application > Service workers); the usual causes are invalid installTokenProxy() options, " +
      "a worker built as an ES module but registered as a classic script (build one classic script, or pass registerTokenProxy({ type: 'module' })), " +
      'process.env.NODE_ENV not defined in the worker bundle (Workbox reads it), and a 404 for the script URL',
  )
}

/**
 * Resolves once a worker of `scriptUrl` controls the page. A page controlled by another script (the
 * app moved its worker to a new script, or another page of the origin registered one in this scope)
 * is not controlled by ours yet: its messages would go to the worker being replaced, which never
 * answers once it is redundant. So it waits for ours, and asks ours to claim the page once active.
 */
async function waitForControl(
  container: ServiceWorkerContainer,
  registration: ServiceWorkerRegistration,
  url: string,
  scriptUrl: string,
  workerError: Promise<TokenProxyError>,
  timeoutMs: number,
): Promise<void> {
  const ours = () => container.controller !== null && isOwnWorker(container.controller, scriptUrl)
  if (ours()) return
  const controlled = new Promise<void>((resolve) => {
    const onChange = () => {
      if (!ours()) return
      container.removeEventListener('controllerchange', onChange)
      resolve()
    }
    container.addEventListener('controllerchange', onChange)
  })
  const claimed = (async () => {
    const active = await activeWorkerOf(registration, scriptUrl)
    if (ours()) return
    await askWorker(active, 'CLAIM', {}, timeoutMs)
    await controlled
  })()
  await Promise.race([claimed, installFailure(registration, url, workerError)])
}

/** The registration's active worker once it runs `scriptUrl` (at once, or when ours activates). */
function activeWorkerOf(registration: ServiceWorkerRegistration, scriptUrl: string): Promise<ServiceWorker> {
  return new Promise((resolve) => {
    const check = () => {
      const { active } = registration
      if (active && isOwnWorker(active, scriptUrl)) {
        registration.removeEventListener('updatefound', watchNewest)
        resolve(active)
      }
    }
    const watchNewest = () => {
      for (const worker of [registration.installing, registration.waiting])
        worker?.addEventListener('statechange', check)
      check()
    }
    registration.addEventListener('updatefound', watchNewest)
    watchNewest()
  })
}

/**
 * Rejects when the only worker of a new registration fails to install (its install event threw,
 * or its options were invalid): nothing will ever control the page. Prefers the worker's own
 * error, which it posts just before failing; the two arrive by different routes, so it waits a
 * moment for it. Never settles when an active worker is there: that one keeps serving.
 */
function installFailure(
  registration: ServiceWorkerRegistration,
  url: string,
  workerError: Promise<TokenProxyError>,
): Promise<never> {
  return new Promise((_, reject) => {
    const worker = registration.installing ?? registration.waiting
    if (!worker || registration.active) return
    const check = () => {
      if (worker.state !== 'redundant' || registration.active) return
      worker.removeEventListener('statechange', check)
      const fallback = new TokenProxyError(
        ErrorCode.REGISTRATION_FAILED,
        registrationFailed(url, 'the worker failed to install'),
      )
      void Promise.race([
        workerError,
        new Promise<TokenProxyError>((resolve) => setTimeout(() => resolve(fallback), 1_000)),
      ]).then(reject)
    }
    worker.addEventListener('statechange', check)
    check()
  })
}

/** The handshake: warns when the versions differ, and answers them then. */
async function checkVersions(timeoutMs: number): Promise<{ page: string; worker: string } | undefined> {
  const { protocolVersion, workerVersion } = await ask(
    'HANDSHAKE',
    { protocolVersion: PROTOCOL_VERSION, clientVersion: LIBRARY_VERSION },
    timeoutMs,
  )
  if (protocolVersion !== PROTOCOL_VERSION || workerVersion !== LIBRARY_VERSION) {
    console.warn(
      formatMessage(
        'match the page and the worker',
        `this page runs sw-token-proxy ${LIBRARY_VERSION} (protocol ${PROTOCOL_VERSION}) but the worker runs ${workerVersion} (protocol ${protocolVersion})`,
        'Build the page and the worker from the same sw-token-proxy version and deploy both; the new worker takes over on the next load',
      ),
    )
    return {
      page: `${LIBRARY_VERSION} (protocol ${PROTOCOL_VERSION})`,
      worker: `${workerVersion} (protocol ${protocolVersion})`,
    }
  }
  return undefined
}

function ask<T extends RequestType>(
  type: T,
  payload: RequestPayloads[T],
  timeoutMs: number,
): Promise<ReplyPayloads[T]> {
  const controller = navigator.serviceWorker.controller
  if (!controller) {
    return Promise.reject(
      new TokenProxyError(
        ErrorCode.UNSUPPORTED,
        formatMessage(
          `send ${type}`,
          'this page has no service worker controlling it',
          'Await registerTokenProxy() before using the proxy',
        ),
      ),
    )
  }
  return askWorker(controller, type, payload, timeoutMs)
}
