import { formatMessage } from '../protocol/errors.js'
import type { WorkerFindings } from '../protocol/messages.js'
import type { WorkerProblem } from './workerWatch.js'

/**
 * What the setup check can find wrong, one code per problem:
 * - `'not-controlled'`: no service worker controls the page, so no request gets a token;
 * - `'worker-replaced'`: another script controls the page, or took the scope;
 * - `'worker-lost'`: the registration is gone, or the worker stopped answering;
 * - `'version-mismatch'`: the page and the worker come from different library versions;
 * - `'scope-excludes-page'`: the registration's scope does not cover the page;
 * - `'static-routes-refused'`: the browser refused the worker's static routes (Policy 12);
 * - `'route-shadowed'`: Workbox: an app route registered before the proxy's takes an `api` prefix;
 * - `'api-prefix-missed'`: the page's requests went to a path that looks like an API, off every `api` prefix;
 * - `'csp-blocks-worker'`: the page's Content-Security-Policy blocks the worker script (`worker-src`);
 * - `'csp-blocks-api'`: it blocks requests to an `api` prefix (`connect-src`);
 * - `'cors-hides-challenge'`: an API on another origin does not expose `WWW-Authenticate` (CORS);
 * - `'issuer-unreachable'`: OpenID Connect: the issuer's discovery document could not be fetched;
 * - `'issuer-mismatch'`: the discovery document names another issuer;
 * - `'worker-unanswered'`: the worker did not answer the check.
 */
export type TokenProxyProblemCode =
  | 'not-controlled'
  | 'worker-replaced'
  | 'worker-lost'
  | 'version-mismatch'
  | 'scope-excludes-page'
  | 'static-routes-refused'
  | 'route-shadowed'
  | 'api-prefix-missed'
  | 'csp-blocks-worker'
  | 'csp-blocks-api'
  | 'cors-hides-challenge'
  | 'issuer-unreachable'
  | 'issuer-mismatch'
  | 'worker-unanswered'

/** One problem the setup check found (`proxy.diagnose()`). Never holds a token. */
export interface TokenProxyProblem {
  /** What is wrong, stable: branch on this, not on `message`. */
  code: TokenProxyProblemCode
  /** The sentence to log: `[sw-token-proxy] Failed to …: why. What to do.` */
  message: string
  /** What to do, alone (the last sentence of `message`). */
  fix: string
}

/** A Content-Security-Policy violation the page saw: the directive, and what it blocked. */
export interface Violation {
  directive: string
  blockedURL: string
}

/** What the check looks at: what the page knows, and what the worker noted. */
export interface SetupFacts {
  /** The page (`location.href`). */
  page: string
  /** The worker script the page registered, as a full URL. */
  script: string
  /** The registration's scope, once registered. */
  scope?: string | undefined
  /** `navigator.serviceWorker.controller?.scriptURL`, `null` when nothing controls the page. */
  controller: string | null
  /** What the page noticed of its worker (`status().worker`). */
  worker?: WorkerProblem | undefined
  /** Present when the page and the worker run different versions (the handshake's answer). */
  versions?: { page: string; worker: string } | undefined
  violations: readonly Violation[]
  /** The page's own `fetch`/XHR requests since it loaded, as `origin + pathname`. */
  requests: Iterable<string>
  /** The worker's answer to the check; absent when it could not be asked. */
  findings?: WorkerFindings | undefined
  /** Why the worker could not be asked, when it was not answered. */
  findingsError?: string | undefined
}

/** The problems in `facts`, each once, in the order a developer should fix them. */
export function problemsOf(facts: SetupFacts): TokenProxyProblem[] {
  const problems: TokenProxyProblem[] = []
  const add = (code: TokenProxyProblemCode, action: string, why: string, fix: string) =>
    problems.push({ code, message: formatMessage(action, why, fix), fix: `${fix.replace(/\.+$/, '')}.` })
  const script = shortUrl(facts.script, facts.page)

  if (facts.violations.some(({ directive }) => directive === 'worker-src')) add(...workerBlockedByCsp(script))
  if (facts.scope !== undefined && !facts.page.startsWith(facts.scope))
    add(
      'scope-excludes-page',
      `proxy the requests of ${shortUrl(facts.page, facts.page)}`,
      `the worker's scope, ${shortUrl(facts.scope, facts.page)}, does not cover this page`,
      `Register the worker for a scope that covers the page (registerTokenProxy({ scope }); a scope above the script's folder needs the Service-Worker-Allowed header on the script), or serve the page under ${shortUrl(facts.scope, facts.page)}`,
    )
  if (facts.controller === null)
    add(
      'not-controlled',
      "proxy this page's requests",
      'no service worker controls this page, so its API requests go out without a token',
      'Await registerTokenProxy() before the first API request; after a shift-reload it claims the page again',
    )
  else if (facts.worker?.state === 'replaced' || !sameScript(facts.controller, facts.script))
    add(
      'worker-replaced',
      `proxy this page's requests with ${script}`,
      `another script, ${shortUrl(facts.worker?.state === 'replaced' ? facts.worker.scriptURL : facts.controller, facts.page)}, controls this page or took its scope`,
      "Register one worker per scope: add the proxy to the app's own worker (addTokenProxyRoutes()), or register the same script everywhere",
    )
  if (facts.worker?.state === 'lost')
    add(
      'worker-lost',
      `reach the service worker ${script}`,
      facts.worker.reason === 'unregistered' ? 'its registration was removed' : 'it did not answer a message in time',
      'Reload the page to register it again; if the app did not remove it, a script on this origin did',
    )
  if (facts.versions)
    add(
      'version-mismatch',
      'match the page and the worker',
      `this page runs sw-token-proxy ${facts.versions.page} but the worker runs ${facts.versions.worker}`,
      'Build the page and the worker from the same sw-token-proxy version and deploy both',
    )
  if (facts.findingsError !== undefined && facts.controller !== null && !facts.versions)
    add(
      'worker-unanswered',
      'check the setup of the worker',
      facts.findingsError,
      "Reload the page; if it happens again, look at the worker's console",
    )

  const findings = facts.findings
  if (!findings) return problems
  if (findings.staticRoutesRefused !== undefined)
    add(
      'static-routes-refused',
      'declare the static routes (Policy 12)',
      `the browser refused them (${findings.staticRoutesRefused})`,
      "Requests still work, through the worker's fetch listener, but pages and assets wait for the worker to start: look at the worker's console, and report the browser's reason",
    )
  for (const { prefix, methods } of findings.shadowed ?? [])
    add(
      'route-shadowed',
      `add the token to ${shortUrl(prefix, facts.page)}…`,
      `a Workbox route the app registered before the proxy's takes its ${methods.join(', ')} requests, so they go out without the token`,
      "Call addTokenProxyRoutes() before the app's own registerRoute() calls: Workbox uses the first route that matches",
    )
  for (const missed of missedPrefixes(facts.requests, findings.api))
    add(
      'api-prefix-missed',
      `add the token to ${shortUrl(missed.suggestion, facts.page)}…`,
      `requests to ${shortUrl(missed.suggestion, facts.page)}… went out without a token, and your api prefix is ${shortUrl(missed.prefix, facts.page)} (did you mean ${shortUrl(missed.suggestion, facts.page)}?)`,
      `List the prefix your app calls in the worker's options: api: ['${shortUrl(missed.suggestion, facts.page)}']`,
    )
  const blocked = new Set<string>()
  for (const { directive, blockedURL } of facts.violations)
    if (directive === 'connect-src') {
      const api = findings.api.find((prefix) => onPrefix(blockedURL, prefix) || blockedURL === new URL(prefix).origin)
      if (api && !blocked.has(api)) {
        blocked.add(api)
        add(
          'csp-blocks-api',
          `reach ${shortUrl(api, facts.page)}`,
          "the page's Content-Security-Policy blocks it (connect-src), before the request reaches the worker",
          `Allow ${new URL(api).origin} in the policy's connect-src`,
        )
      }
    }
  for (const origin of findings.unexposed ?? [])
    add(
      'cors-hides-challenge',
      `read why ${origin} refused a token`,
      'its CORS answers do not expose WWW-Authenticate, so the worker takes every 401 for an expired token (a step-up or insufficient_scope looks the same, and with DPoP its nonce is hidden too)',
      `Have ${origin} answer with Access-Control-Expose-Headers: WWW-Authenticate, DPoP-Nonce`,
    )
  const issuer = findings.issuer
  if (issuer?.named !== undefined)
    add(
      'issuer-mismatch',
      `sign in with ${issuer.issuer}`,
      `its discovery document names another issuer, ${issuer.named}`,
      `Set oidc.issuer to exactly the provider's own issuer, ${issuer.named}`,
    )
  else if (issuer)
    add(
      'issuer-unreachable',
      `fetch the discovery document of ${issuer.issuer}`,
      issuer.detail ?? 'it could not be fetched',
      "Check oidc.issuer (the provider's own issuer, without /.well-known/openid-configuration), that the provider is up, and that it allows this origin (CORS)",
    )
  return problems
}

/** The `csp-blocks-worker` problem, also the message `registerTokenProxy()` rejects with. */
export function workerBlockedByCsp(
  script: string,
  directive = 'worker-src',
): [TokenProxyProblemCode, string, string, string] {
  return [
    'csp-blocks-worker',
    `register the service worker ${script}`,
    `the page's Content-Security-Policy blocks it (${directive})`,
    "Allow the script in the page's policy: worker-src 'self' (a policy without worker-src falls back to script-src)",
  ]
}

/** A request path that looks like one of the API's, off every prefix: the prefix it hints at. */
interface MissedPrefix {
  /** The configured prefix it is near. */
  prefix: string
  /** The prefix the app seems to call: `/v1/api/` for `/v1/api/me` beside `/api/`. */
  suggestion: string
}

/** How many near misses are reported: the first few tell the story. */
const MAX_MISSES = 5

/**
 * Requests on no `api` prefix whose path holds one as a later segment (`/v1/api/me` beside
 * `/api/`) or in another case (`/API/me`): they went out without a token, and the app probably
 * meant the prefix they hint at. Grouped by that prefix.
 */
export function missedPrefixes(requests: Iterable<string>, api: readonly string[]): MissedPrefix[] {
  const found = new Map<string, MissedPrefix>()
  for (const request of requests) {
    if (found.size >= MAX_MISSES) break
    if (api.some((prefix) => onPrefix(request, prefix))) continue
    const url = new URL(request)
    const path = `${url.pathname}/`
    for (const prefix of api) {
      const { origin, pathname } = new URL(prefix)
      if (origin !== url.origin) continue
      const later = path.indexOf(pathname, 1)
      const suggestion =
        later > 0
          ? path.slice(0, later) + pathname
          : path.toLowerCase().startsWith(pathname.toLowerCase())
            ? path.slice(0, pathname.length)
            : undefined
      if (suggestion !== undefined && !found.has(origin + suggestion))
        found.set(origin + suggestion, { prefix, suggestion: origin + suggestion })
    }
  }
  return [...found.values()]
}

/** Whether `url` is on `prefix` the way the worker matches (Policy 1: on a segment boundary). */
function onPrefix(url: string, prefix: string): boolean {
  return url.startsWith(prefix) || `${url}/` === prefix
}

/** The same script, whatever its query string (`/sw.js?v=2` is still ours). */
function sameScript(a: string, b: string): boolean {
  return a.split('?')[0] === b.split('?')[0]
}

/** A URL as a developer reads it in the page's console: a path on the page's origin, else whole. */
function shortUrl(url: string, page: string): string {
  const origin = new URL(page).origin
  return url.startsWith(`${origin}/`) ? url.slice(origin.length) : url
}

/**
 * Whether `registerTokenProxy({ diagnose })` prints the check's problems on this page. `'auto'`:
 * on a development host, unless an automated browser runs the page (`automated`:
 * `navigator.webdriver`, as under Playwright, WebDriver or Puppeteer), where the check's requests
 * and console lines would land in the app's own test runs.
 */
export function diagnoseHere(option: boolean | 'auto', hostname: string, automated = false): boolean {
  if (option !== 'auto') return option
  if (automated) return false
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '127.0.0.1' || hostname === '[::1]'
}

/** How many of the page's requests, and CSP violations, the page keeps for the check. */
const MAX_REQUESTS = 500
const MAX_VIOLATIONS = 20

/**
 * What only the page sees, from the moment it registers: Content-Security-Policy violations, and
 * the paths its `fetch`/XHR requests went to (Resource Timing), both bounded. No header, no query,
 * no body: what a request carried is the worker's business.
 */
export class PageWatch {
  readonly violations: Violation[] = []
  readonly requests = new Set<string>()

  /** Starts listening on `target` (the document) and observing the page's resource entries. */
  start(
    target: Pick<EventTarget, 'addEventListener'>,
    Observer: typeof PerformanceObserver = globalThis.PerformanceObserver,
  ): void {
    target.addEventListener('securitypolicyviolation', (event) => {
      const { effectiveDirective, blockedURI } = event as SecurityPolicyViolationEvent
      if (this.violations.length < MAX_VIOLATIONS)
        this.violations.push({ directive: effectiveDirective, blockedURL: blockedURI })
    })
    try {
      new Observer((list) => {
        for (const entry of list.getEntries()) this.#noteRequest(entry as PerformanceResourceTiming)
      }).observe({ type: 'resource', buffered: true })
    } catch {
      // No Resource Timing here (no PerformanceObserver, or no 'resource' type): the check goes
      // without the page's requests.
    }
  }

  #noteRequest(entry: PerformanceResourceTiming): void {
    if (entry.initiatorType !== 'fetch' && entry.initiatorType !== 'xmlhttprequest') return
    if (this.requests.size >= MAX_REQUESTS) return
    try {
      const url = new URL(entry.name)
      this.requests.add(url.origin + url.pathname)
    } catch {
      // Not a URL: nothing to learn.
    }
  }
}

/**
 * Prints each problem not printed before on this page, one `console.warn` line each, and notes it
 * as printed: a problem is told once per page load, however many checks find it.
 */
export function printProblems(
  problems: readonly TokenProxyProblem[],
  printed: Set<string>,
  warn: (line: string) => void = console.warn,
): void {
  for (const { message } of problems) {
    if (printed.has(message)) continue
    printed.add(message)
    warn(message)
  }
}
