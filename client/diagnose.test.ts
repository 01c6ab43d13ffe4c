import { describe, expect, it } from 'vitest'
import type { WorkerFindings } from '../protocol/messages.js'
import {
  diagnoseHere,
  missedPrefixes,
  PageWatch,
  printProblems,
  problemsOf,
  type SetupFacts,
  type TokenProxyProblem,
} from './diagnose.js'

const ORIGIN = 'https://app.example'
const HEALTHY: WorkerFindings = { api: [`${ORIGIN}/api/`] }

/** A healthy page: controlled by its own worker, in scope, nothing seen; `changes` break it. */
function facts(changes: Partial<SetupFacts> = {}): SetupFacts {
  return {
    page: `${ORIGIN}/app/orders`,
    script: `${ORIGIN}/sw.js`,
    scope: `${ORIGIN}/`,
    controller: `${ORIGIN}/sw.js`,
    violations: [],
    requests: [`${ORIGIN}/api/me`, `${ORIGIN}/assets/app.js`],
    findings: HEALTHY,
    ...changes,
  }
}

const codes = (problems: TokenProxyProblem[]) => problems.map(({ code }) => code)

describe('problemsOf', () => {
  it('finds nothing on a healthy page', () => {
    expect(problemsOf(facts())).toEqual([])
    // Another version of the same script (an update's query string) is still the page's own.
    expect(problemsOf(facts({ controller: `${ORIGIN}/sw.js?v=2` }))).toEqual([])
  })

  it('names a page no worker controls, or another script controls', () => {
    expect(problemsOf(facts({ controller: null, findings: undefined }))).toEqual([
      {
        code: 'not-controlled',
        message:
          "[sw-token-proxy] Failed to proxy this page's requests: no service worker controls this page, so its API requests go out without a token. Await registerTokenProxy() before the first API request; after a shift-reload it claims the page again.",
        fix: 'Await registerTokenProxy() before the first API request; after a shift-reload it claims the page again.',
      },
    ])
    const [other] = problemsOf(facts({ controller: `${ORIGIN}/other-sw.js`, findings: undefined }))
    expect(other?.code).toBe('worker-replaced')
    expect(other?.message).toContain('another script, /other-sw.js, controls this page or took its scope')
    const [replaced] = problemsOf(facts({ worker: { state: 'replaced', scriptURL: 'https://app.example/x.js' } }))
    expect(replaced?.message).toContain('another script, /x.js,')
  })

  it('names a lost worker, another version and a worker that did not answer the check', () => {
    expect(codes(problemsOf(facts({ worker: { state: 'lost', reason: 'unregistered' } })))).toEqual(['worker-lost'])
    const [mismatch] = problemsOf(facts({ versions: { page: '1.0.0', worker: '0.9.0' }, findings: undefined }))
    expect(mismatch?.message).toBe(
      '[sw-token-proxy] Failed to match the page and the worker: this page runs sw-token-proxy 1.0.0 but the worker runs 0.9.0. Build the page and the worker from the same sw-token-proxy version and deploy both.',
    )
    expect(codes(problemsOf(facts({ findings: undefined, findingsError: 'it did not answer within 10 ms' })))).toEqual([
      'worker-unanswered',
    ])
    // An older worker does not know the check: the version mismatch says it all.
    expect(
      codes(problemsOf(facts({ versions: { page: '1', worker: '0' }, findings: undefined, findingsError: 'x' }))),
    ).toEqual(['version-mismatch'])
  })

  it('names a scope that does not cover the page', () => {
    const [problem] = problemsOf(facts({ scope: `${ORIGIN}/admin/` }))
    expect(problem?.code).toBe('scope-excludes-page')
    expect(problem?.message).toContain("the worker's scope, /admin/, does not cover this page")
  })

  it('names refused static routes and a shadowing Workbox route, with what to do', () => {
    const problems = problemsOf(
      facts({
        findings: {
          ...HEALTHY,
          staticRoutesRefused: 'Too many rules',
          shadowed: [{ prefix: `${ORIGIN}/api/`, methods: ['GET', 'HEAD'] }],
        },
      }),
    )
    expect(codes(problems)).toEqual(['static-routes-refused', 'route-shadowed'])
    expect(problems[0]?.message).toContain('the browser refused them (Too many rules)')
    expect(problems[1]?.message).toBe(
      "[sw-token-proxy] Failed to add the token to /api/…: a Workbox route the app registered before the proxy's takes its GET, HEAD requests, so they go out without the token. Call addTokenProxyRoutes() before the app's own registerRoute() calls: Workbox uses the first route that matches.",
    )
  })

  it('names the prefix the app seems to call when its requests miss the configured one', () => {
    const [problem, ...rest] = problemsOf(
      facts({ requests: [`${ORIGIN}/v1/api/me`, `${ORIGIN}/v1/api/orders/1`, `${ORIGIN}/api/me`] }),
    )
    expect(rest).toEqual([])
    expect(problem).toEqual({
      code: 'api-prefix-missed',
      message:
        "[sw-token-proxy] Failed to add the token to /v1/api/…: requests to /v1/api/… went out without a token, and your api prefix is /api/ (did you mean /v1/api/?). List the prefix your app calls in the worker's options: api: ['/v1/api/'].",
      fix: "List the prefix your app calls in the worker's options: api: ['/v1/api/'].",
    })
  })

  it('names a Content-Security-Policy that blocks the worker, or an API', () => {
    const problems = problemsOf(
      facts({
        findings: { api: [`${ORIGIN}/api/`, 'https://api.example.com/v1/'] },
        violations: [
          { directive: 'worker-src', blockedURL: `${ORIGIN}/sw.js` },
          { directive: 'connect-src', blockedURL: 'https://api.example.com/v1/me' },
          { directive: 'connect-src', blockedURL: 'https://api.example.com/v1/other' },
          { directive: 'connect-src', blockedURL: 'https://tracker.example/x' },
          { directive: 'img-src', blockedURL: `${ORIGIN}/api/avatar` },
        ],
      }),
    )
    expect(problems.map(({ code, fix }) => ({ code, fix }))).toEqual([
      {
        code: 'csp-blocks-worker',
        fix: "Allow the script in the page's policy: worker-src 'self' (a policy without worker-src falls back to script-src).",
      },
      { code: 'csp-blocks-api', fix: "Allow https://api.example.com in the policy's connect-src." },
    ])
    // A cross-origin violation may name the origin only.
    expect(
      codes(
        problemsOf(
          facts({
            findings: { api: ['https://api.example.com/v1/'] },
            violations: [{ directive: 'connect-src', blockedURL: 'https://api.example.com' }],
          }),
        ),
      ),
    ).toEqual(['csp-blocks-api'])
  })

  it('names an API whose CORS hides WWW-Authenticate, and an OpenID issuer that is unreachable or another', () => {
    const problems = problemsOf(
      facts({
        findings: {
          ...HEALTHY,
          unexposed: ['https://api.example.com'],
          issuer: { issuer: 'https://id.example/', named: 'https://id.example/realms/app' },
        },
      }),
    )
    expect(problems.map(({ code, fix }) => ({ code, fix }))).toEqual([
      {
        code: 'cors-hides-challenge',
        fix: 'Have https://api.example.com answer with Access-Control-Expose-Headers: WWW-Authenticate, DPoP-Nonce.',
      },
      {
        code: 'issuer-mismatch',
        fix: "Set oidc.issuer to exactly the provider's own issuer, https://id.example/realms/app.",
      },
    ])
    const [unreachable] = problemsOf(
      facts({ findings: { ...HEALTHY, issuer: { issuer: 'https://id.example/', detail: 'Failed to fetch' } } }),
    )
    expect(unreachable?.code).toBe('issuer-unreachable')
    expect(unreachable?.message).toMatch(
      /^\[sw-token-proxy\] Failed to fetch the discovery document of https:\/\/id\.example\/: Failed to fetch\. Check oidc\.issuer/,
    )
  })
})

describe('missedPrefixes', () => {
  const api = [`${ORIGIN}/api/`, 'https://api.example.com/v1/']

  it('hints at a later segment or another case, once per hinted prefix, on the prefix’s origin only', () => {
    expect(
      missedPrefixes(
        [
          `${ORIGIN}/v1/api/me`,
          `${ORIGIN}/v1/api`,
          `${ORIGIN}/API/x`,
          `${ORIGIN}/gateway/v2/api/x`,
          'https://api.example.com/v2/v1/x',
          'https://other.example/v1/api/x',
        ],
        api,
      ),
    ).toEqual([
      { prefix: `${ORIGIN}/api/`, suggestion: `${ORIGIN}/v1/api/` },
      { prefix: `${ORIGIN}/api/`, suggestion: `${ORIGIN}/API/` },
      { prefix: `${ORIGIN}/api/`, suggestion: `${ORIGIN}/gateway/v2/api/` },
      { prefix: 'https://api.example.com/v1/', suggestion: 'https://api.example.com/v2/v1/' },
    ])
  })

  it('leaves requests on a prefix, look-alikes off a segment boundary, and other paths alone', () => {
    expect(
      missedPrefixes(
        [`${ORIGIN}/api`, `${ORIGIN}/api/x`, `${ORIGIN}/apix`, `${ORIGIN}/v1/apix/y`, `${ORIGIN}/static/app.js`],
        api,
      ),
    ).toEqual([])
  })

  it('reports a handful at most', () => {
    const requests = Array.from({ length: 20 }, (_, i) => `${ORIGIN}/v${i}/api/x`)
    expect(missedPrefixes(requests, api)).toHaveLength(5)
  })
})

describe('diagnoseHere', () => {
  it('is on for development hosts with "auto", and as told otherwise', () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '[::1]'])
      expect(diagnoseHere('auto', host)).toBe(true)
    for (const host of ['app.example', 'localhost.example', '10.0.0.1']) expect(diagnoseHere('auto', host)).toBe(false)
    expect(diagnoseHere(true, 'app.example')).toBe(true)
    expect(diagnoseHere(false, 'localhost')).toBe(false)
  })

  it('is off with "auto" in an automated browser (navigator.webdriver), on as told with true', () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '[::1]', 'app.example'])
      expect(diagnoseHere('auto', host, true)).toBe(false)
    expect(diagnoseHere(true, 'localhost', true)).toBe(true)
    expect(diagnoseHere(false, 'localhost', true)).toBe(false)
    // A browser a person drives: as on a development host.
    expect(diagnoseHere('auto', 'localhost', false)).toBe(true)
  })
})

describe('PageWatch', () => {
  /** A PerformanceObserver fake: `emit` hands it resource entries, as the browser would. */
  function fakeObserver() {
    let callback: ((list: { getEntries(): unknown[] }) => void) | undefined
    const observed: unknown[] = []
    class Observer {
      constructor(given: typeof callback) {
        callback = given
      }
      observe(options: unknown) {
        observed.push(options)
      }
    }
    const emit = (...entries: { name: string; initiatorType: string }[]) => callback?.({ getEntries: () => entries })
    return { Observer: Observer as unknown as typeof PerformanceObserver, emit, observed }
  }

  it('keeps the paths of fetch and XHR requests (no query) and the CSP violations, bounded', () => {
    const document = new EventTarget()
    const { Observer, emit, observed } = fakeObserver()
    const watch = new PageWatch()
    watch.start(document, Observer)
    expect(observed).toEqual([{ type: 'resource', buffered: true }])

    emit(
      { name: `${ORIGIN}/v1/api/me?session=abc`, initiatorType: 'fetch' },
      { name: `${ORIGIN}/v1/api/orders`, initiatorType: 'xmlhttprequest' },
      { name: `${ORIGIN}/logo.png`, initiatorType: 'img' },
      { name: 'not a url', initiatorType: 'fetch' },
    )
    expect([...watch.requests]).toEqual([`${ORIGIN}/v1/api/me`, `${ORIGIN}/v1/api/orders`])
    emit(...Array.from({ length: 600 }, (_, i) => ({ name: `${ORIGIN}/x/${i}`, initiatorType: 'fetch' })))
    expect(watch.requests.size).toBe(500)

    for (let i = 0; i < 30; i++)
      document.dispatchEvent(
        Object.assign(new Event('securitypolicyviolation'), {
          effectiveDirective: 'connect-src',
          blockedURI: `https://api.example.com/${i}`,
        }),
      )
    expect(watch.violations).toHaveLength(20)
    expect(watch.violations[0]).toEqual({ directive: 'connect-src', blockedURL: 'https://api.example.com/0' })
  })

  it('goes without the requests where there is no Resource Timing', () => {
    const watch = new PageWatch()
    class Refusing {
      observe() {
        throw new TypeError("The provided value 'resource' is not a valid entry type")
      }
    }
    expect(() => watch.start(new EventTarget(), Refusing as unknown as typeof PerformanceObserver)).not.toThrow()
    expect(watch.requests.size).toBe(0)
  })
})

describe('printProblems', () => {
  it('prints each problem once per page load, one line each', () => {
    const lines: string[] = []
    const printed = new Set<string>()
    const problems = problemsOf(facts({ controller: null, findings: undefined, scope: `${ORIGIN}/admin/` }))
    printProblems(problems, printed, (line) => lines.push(line))
    printProblems(problems, printed, (line) => lines.push(line))
    expect(lines).toEqual(problems.map(({ message }) => message))
    expect(lines).toHaveLength(2)
  })
})
