import type { Page } from '@playwright/test'
import { expect, expireAccessToken, sessionEventTypes, stopServiceWorker, test as base } from '../playwright/index.ts'
import { demoBuildDir } from '../demo/server/demoBuildDir.ts'
import { SESSION_DATABASE } from '../protocol/storage.ts'
import { AudienceApi, type AudienceApiRecord } from './support/AudienceApi.ts'
import { OidcApp } from './support/OidcApp.ts'
import { openOidcApp, signIn } from './support/oidcPages.ts'
import { startOidcProvider, type RunningOidcProvider, type TokenRequestRecord } from './support/OidcProvider.ts'

// DPoP in the OpenID mode (Policy 14, docs/behaviour.md; cases 36 and 37, e2e/README.md): the
// demo's OpenID worker with `dpop: true` against oidc-provider with `features.dPoP` demanding its
// nonce at the token endpoint, and APIs on another site that accept only DPoP-bound JWT access
// tokens (`cnf.jkt`) with a valid proof by that key, and challenge for their own nonce. Every
// assertion is on what those servers recorded. Tokens are expired on command, never by sleeping.
const SCOPE = 'read'

interface Fixtures {
  app: OidcApp
  apis: [AudienceApi, AudienceApi]
  /** `'own'`: the first API gets the session's own token (the provider's default resource). `'per-api'`: both get their own. */
  tokens: 'own' | 'per-api'
  provider: RunningOidcProvider
}

const test = base.extend<Fixtures>({
  tokens: ['own', { option: true }],
  app: async ({}, use) => {
    const app = await new OidcApp().start(demoBuildDir)
    app.dpop = true
    await use(app)
    await app.close()
  },
  apis: async ({ app }, use) => {
    const apis: [AudienceApi, AudienceApi] = [
      await new AudienceApi({ dpop: true }).start(app.origin),
      await new AudienceApi({ dpop: true }).start(app.origin),
    ]
    await use(apis)
    await Promise.all(apis.map((api) => api.close()))
  },
  provider: async ({ app, apis, tokens }, use) => {
    const provider = await startOidcProvider({
      clientOrigin: app.origin,
      clientRedirectUris: [`${app.origin}/oidc.html`],
      resourceServers: Object.fromEntries(apis.map((api) => [api.resource, { scope: SCOPE }])),
      requireDpopNonce: true,
      ...(tokens === 'own' && { defaultResource: apis[0].resource }),
    })
    app.issuer = provider.issuer
    for (const api of apis) api.issuer = provider.issuer
    app.api =
      tokens === 'own'
        ? [`${apis[0].origin}/`]
        : apis.map((api) => ({ prefix: `${api.origin}/`, resource: api.resource }))
    app.scope = `openid offline_access ${SCOPE}`
    await use(provider)
    await provider.close()
  },
})

interface StoredKey {
  /** The RFC 7638 thumbprint of the session key's public half (not a secret). */
  jkt: string
  extractable: boolean
}

/**
 * The session's key as a page script finds it in IndexedDB: its thumbprint, and whether it can be
 * exported; `null` when the record holds no key. Also whether any `CryptoKey` is left anywhere in
 * the database (the session record and the pending sign-ins).
 */
function readStoredKey(page: Page): Promise<{ key: StoredKey | null; anyCryptoKey: boolean }> {
  return page.evaluate(async (where) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(where.name)
      open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'))
      open.onsuccess = () => resolve(open.result)
    })
    const all = await Promise.all(
      [...db.objectStoreNames].map(
        (name) =>
          new Promise<unknown[]>((resolve) => {
            const request = db.transaction(name).objectStore(name).getAll()
            request.onsuccess = () => resolve(request.result as unknown[])
          }),
      ),
    )
    const session = await new Promise<{
      tokens: { dpopKey?: { privateKey: CryptoKey; publicJwk: JsonWebKey } } | null
    }>((resolve) => {
      const request = db.transaction(where.store).objectStore(where.store).get(where.key)
      request.onsuccess = () => resolve(request.result as never)
    })
    db.close()
    const findKey = (value: unknown): boolean =>
      value instanceof CryptoKey || (typeof value === 'object' && value !== null && Object.values(value).some(findKey))
    const anyCryptoKey = findKey(all)
    const dpopKey = session?.tokens?.dpopKey
    if (!dpopKey) return { key: null, anyCryptoKey }
    const { crv, kty, x, y } = dpopKey.publicJwk
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify({ crv, kty, x, y })))
    const jkt = btoa(String.fromCharCode(...new Uint8Array(digest)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
    return { key: { jkt, extractable: dpopKey.privateKey.extractable }, anyCryptoKey }
  }, SESSION_DATABASE)
}

/** Every tab fetches each URL once, all at once; answers the statuses. */
async function callFromEveryTab(tabs: Page[], urlsOf: (tab: number) => string[]): Promise<number[]> {
  const statuses = await Promise.all(
    tabs.map((tab, t) =>
      tab.evaluate(async (urls) => Promise.all(urls.map(async (url) => (await fetch(url)).status)), urlsOf(t)),
    ),
  )
  return statuses.flat()
}

/**
 * What an API must have recorded for requests made once each on distinct paths: per path, a
 * verified DPoP request by `jkt` for this API, preceded at most by one nonce challenge (the retry);
 * never a refusal of the token itself, never a second try.
 */
function expectVerifiedOncePerPath(api: AudienceApi, jkt: string): void {
  const byPath = new Map<string, AudienceApiRecord[]>()
  for (const record of api.records) byPath.set(record.path, [...(byPath.get(record.path) ?? []), record])
  for (const [path, records] of byPath) {
    const outcomes = records.map((record) => `${record.status} ${record.scheme} ${record.dpop}`)
    expect(
      outcomes.length === 1 || (outcomes.length === 2 && outcomes[0] === '401 DPoP use_dpop_nonce'),
      `${path}: ${outcomes.join(', ')}`,
    ).toBe(true)
    const verified = records.at(-1)!
    expect(verified).toMatchObject({ status: 200, dpop: 'verified', jkt, audience: [api.resource] })
  }
}

/**
 * What the provider must have recorded: every request proved; every `use_dpop_nonce` refusal
 * answered by the very next request to the token endpoint, of the same grant, which succeeded (the
 * one retry); never another refusal; every token issued bound to `jkt`.
 */
function expectNonceRetriedOnce(log: TokenRequestRecord[], jkt: string): void {
  expect(log.every((entry) => entry.proved)).toBe(true)
  log.forEach((entry, index) => {
    if (entry.status === 200) return expect(entry.boundTo).toBe(jkt)
    expect(entry.error).toBe('use_dpop_nonce')
    expect(log[index + 1]).toMatchObject({ grantType: entry.grantType, resource: entry.resource, status: 200 })
  })
}

const successes = (log: TokenRequestRecord[], grantType: string, resource: string | null = null) =>
  log.filter((entry) => entry.grantType === grantType && entry.resource === resource && entry.status === 200).length

test.describe('DPoP with OpenID Connect (oidc-provider, features.dPoP with nonces)', () => {
  test('the sign-in binds the code and the tokens to a non-extractable key made in the worker', async ({
    page,
    app,
    apis: [api],
    provider,
  }) => {
    await signIn(page, app, provider)
    const { key } = await readStoredKey(page)
    expect(key).toMatchObject({ extractable: false })
    const jkt = key!.jkt

    // The code exchange: challenged once for the provider's nonce, retried once, by the same key,
    // which the code was bound to at the authorization request (dpop_jkt) and the tokens are.
    expect(provider.tokenLog).toEqual([
      expect.objectContaining({ grantType: 'authorization_code', status: 400, error: 'use_dpop_nonce', proved: true }),
      expect.objectContaining({ grantType: 'authorization_code', status: 200, boundTo: jkt, codeBoundTo: jkt }),
    ])
    api.verifier!.requireNonce.api = true
    expect(await callFromEveryTab([page], () => [`${api.origin}/me`, `${api.origin}/again`])).toEqual([200, 200])
    expectVerifiedOncePerPath(api, jkt)
    expect(api.verifier!.nonceChallenges.api).toBeGreaterThanOrEqual(1)
  })

  test('three tabs across three expiries: one refresh grant per expiry, never a reuse; nonce challenges at the provider and the API cost one retry each, never a refresh or a replay', async ({
    page,
    context,
    app,
    apis: [api],
    provider,
  }) => {
    await signIn(page, app, provider)
    const jkt = (await readStoredKey(page)).key!.jkt
    const tabs = [page, await context.newPage(), await context.newPage()]
    for (const tab of tabs.slice(1)) await openOidcApp(tab, app)
    api.verifier!.requireNonce.api = true

    // Before any expiry: the API challenges the worker for its nonce.
    expect(await callFromEveryTab(tabs, (t) => [`${api.origin}/start/tab-${t}`])).toEqual([200, 200, 200])
    for (let expiry = 1; expiry <= 3; expiry++) {
      // Before the last expiry the worker is stopped: the new one knows neither nonce, so both the
      // refresh and the API calls are challenged again.
      if (expiry === 3) await stopServiceWorker(page)
      await expireAccessToken(page)
      const urls = (t: number) => [1, 2].map((call) => `${api.origin}/expiry-${expiry}/tab-${t}/call-${call}`)
      expect(await callFromEveryTab(tabs, urls)).toEqual(Array(6).fill(200))
    }

    // The provider: exactly one successful refresh grant per expiry, each bound to the session key;
    // every nonce refusal retried once; no reuse (no invalid_grant, the grant never revoked).
    const log = provider.tokenLog
    expect(successes(log, 'refresh_token')).toBe(3)
    expectNonceRetriedOnce(log, jkt)
    expect(log.filter((entry) => entry.grantType === 'refresh_token' && entry.error === 'use_dpop_nonce').length).toBe(
      provider.counters.refreshGrants - 3,
    )
    expect(
      log.filter((entry) => entry.error === 'use_dpop_nonce' && entry.grantType === 'refresh_token').length,
    ).toBeGreaterThanOrEqual(1)
    expect(log.some((entry) => entry.error === 'invalid_grant')).toBe(false)
    expect(provider.counters.grantRevocations).toBe(0)

    // The API: 3 + 18 calls, each verified once; the only 401s are nonce challenges.
    expect(new Set(api.records.map((record) => record.path)).size).toBe(21)
    expectVerifiedOncePerPath(api, jkt)
    expect(api.verifier!.nonceChallenges.api).toBe(api.records.filter((record) => record.status === 401).length)
    expect(api.verifier!.nonceChallenges.api).toBeGreaterThanOrEqual(2)

    // The tabs heard one renewal per expiry: the retries were not refreshes.
    for (const tab of tabs) {
      await expect
        .poll(async () => (await sessionEventTypes(tab)).filter((type) => type === 'session-refreshed').length)
        .toBe(3)
      expect(await sessionEventTypes(tab)).not.toContain('session-expired')
    }
  })

  test('logout deletes the key from IndexedDB, and the provider saw the revocation, proved by that key', async ({
    page,
    app,
    apis: [api],
    provider,
  }) => {
    await signIn(page, app, provider)
    expect((await readStoredKey(page)).key?.extractable).toBe(false)

    await page.getByRole('button', { name: 'Log out' }).click()
    await expect.poll(() => sessionEventTypes(page)).toContain('session-ended')
    await expect.poll(() => provider.counters.revocations).toBe(1)

    expect(provider.counters.provedRevocations).toBe(1)
    expect(await readStoredKey(page)).toEqual({ key: null, anyCryptoKey: false })
    expect((await callFromEveryTab([page], () => [`${api.origin}/after-logout`]))[0]).toBe(401)
    expect(api.records.at(-1)).toMatchObject({ path: '/after-logout', scheme: null, authorized: false })
  })
})

test.describe('DPoP with per-API tokens (oidc-provider, resourceIndicators and dPoP)', () => {
  test.use({ tokens: 'per-api' })

  test("three tabs × two APIs across two expiries: each API's token is minted and renewed with a proof, bound to the session key, one grant per renewal, never a reuse", async ({
    page,
    context,
    app,
    apis,
    provider,
  }) => {
    await signIn(page, app, provider)
    const jkt = (await readStoredKey(page)).key!.jkt
    const tabs = [page, await context.newPage(), await context.newPage()]
    for (const tab of tabs.slice(1)) await openOidcApp(tab, app)
    apis[1].verifier!.requireNonce.api = true

    const urls = (round: string) => (t: number) => apis.map((api) => `${api.origin}/${round}/tab-${t}`)
    expect(await callFromEveryTab(tabs, urls('first'))).toEqual(Array(6).fill(200))
    for (let expiry = 1; expiry <= 2; expiry++) {
      await expireAccessToken(page)
      expect(await callFromEveryTab(tabs, urls(`expiry-${expiry}`))).toEqual(Array(6).fill(200))
    }

    const log = provider.tokenLog
    for (const api of apis) {
      // Minted once on first use, then once per expiry; bound to the session key.
      expect(successes(log, 'refresh_token', api.resource)).toBe(3)
      expect(api.records.filter((record) => record.status === 200)).toHaveLength(9)
      expectVerifiedOncePerPath(api, jkt)
    }
    expectNonceRetriedOnce(log, jkt)
    expect(apis[1].verifier!.nonceChallenges.api).toBeGreaterThanOrEqual(1)
    expect(apis[0].records.every((record) => record.status === 200)).toBe(true)
    expect(log.some((entry) => entry.error === 'invalid_grant')).toBe(false)
    expect(provider.counters.grantRevocations).toBe(0)
  })
})
