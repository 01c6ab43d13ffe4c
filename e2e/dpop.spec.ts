import type { Page } from '@playwright/test'
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'
import { randomUUID } from 'node:crypto'
import { expireAccessToken, waitForTokenProxy } from '../playwright/index.ts'
import { accessTokenHash } from '../demo/server/DpopVerifier.ts'
import { SESSION_DATABASE } from '../protocol/storage.ts'
import { expect, test as base } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// DPoP (RFC 9449, Policy 14, docs/behaviour.md): the demo's DPoP worker (`/dpop.html` registers `/sw-dpop.js`, which
// has `dpop: true`) against the demo server with `auth: { dpop: true }`, which verifies every
// proof and records what it saw. Tokens are expired on command, never by sleeping.
const test = base.extend({
  // A page of the DPoP app (not the fixtures' minimal app, which registers the bearer worker).
  page: async ({ context, app }, use) => {
    const page = await context.newPage()
    await page.goto(`${app.origin}/dpop.html`)
    await waitForTokenProxy(page)
    await use(page)
  },
  openTab: async ({ context, app }, use) => {
    await use(async () => {
      const tab = await context.newPage()
      await tab.goto(`${app.origin}/dpop.html`)
      await waitForTokenProxy(tab)
      return tab
    })
  },
})
test.use({ authOptions: { dpop: true, rotation: 'strict' } })

interface StoredKeyView {
  /** What the stored key says of itself; `null` without a session or without a key. */
  key: { type: string; extractable: boolean; algorithm: string; curve: string; usages: string[] } | null
  /** The name of the error `crypto.subtle.exportKey` threw on it, or `'exported'` if it did not. */
  exportAttempt: string | null
  /** Whether anything in the record is a `CryptoKey`. */
  anyCryptoKey: boolean
}

/** Opens the worker's database from page script, exactly as an injected script could. */
function readRecordInPage(page: Page): Promise<StoredKeyView> {
  return page.evaluate(async (where) => {
    const record = await new Promise<{ tokens: { dpopKey?: { privateKey: CryptoKey } } | null } | undefined>(
      (resolve, reject) => {
        const open = indexedDB.open(where.name)
        open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'))
        open.onsuccess = () => {
          const get = open.result.transaction(where.store).objectStore(where.store).get(where.key)
          get.onsuccess = () => (open.result.close(), resolve(get.result as never))
        }
      },
    )
    const findKey = (value: unknown): boolean =>
      value instanceof CryptoKey || (typeof value === 'object' && value !== null && Object.values(value).some(findKey))
    const privateKey = record?.tokens?.dpopKey?.privateKey
    if (!(privateKey instanceof CryptoKey)) return { key: null, exportAttempt: null, anyCryptoKey: findKey(record) }
    let exportAttempt = 'exported'
    for (const format of ['jwk', 'pkcs8'] as const) {
      try {
        await crypto.subtle.exportKey(format, privateKey)
      } catch (error) {
        exportAttempt = (error as Error).name
      }
    }
    const algorithm = privateKey.algorithm as EcKeyAlgorithm
    return {
      key: {
        type: privateKey.type,
        extractable: privateKey.extractable,
        algorithm: algorithm.name,
        curve: algorithm.namedCurve,
        usages: [...privateKey.usages],
      },
      exportAttempt,
      anyCryptoKey: true,
    }
  }, SESSION_DATABASE)
}

test.describe('DPoP', () => {
  test('login, then three tabs across three expiries: every API call carries a verified proof, one refresh per expiry, no reuse', async ({
    page,
    app,
    openTab,
  }) => {
    const tabs = [page, await openTab(), await openTab()]
    const login = await logIn(page)
    expect(login.status).toBe(200)
    // The page sees the token type, never the tokens.
    expect(login.body).toEqual({ token_type: 'DPoP', expires_in: 60, user: { name: 'demo' } })

    for (let expiry = 1; expiry <= 3; expiry++) {
      await expireAccessToken(page)
      const statuses = await Promise.all(
        tabs.map((tab, t) => pageFetch(tab, `/api/expiry-${expiry}/tab-${t}?q=1`).then((response) => response.status)),
      )
      expect(statuses).toEqual([200, 200, 200])
    }

    expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['rotated', 'rotated', 'rotated'])
    expect(new Set(app.auth.refreshLog.map((entry) => entry.presented)).size).toBe(3)
    expect(app.auth.counters.reuseDetections).toBe(0)
    expect(app.api.records).toHaveLength(9)
    for (const record of app.api.records) {
      expect(record).toMatchObject({
        authScheme: 'DPoP',
        dpop: 'verified',
        authorized: true,
        authorizationCount: 1,
        status: 200,
      })
    }

    const stored = await readRecordInPage(page)
    expect(stored.key).toEqual({
      type: 'private',
      extractable: false,
      algorithm: 'ECDSA',
      curve: 'P-256',
      usages: ['sign'],
    })
  })

  test('nonce challenges at the token endpoint and at the API are each answered with one retry, never a refresh or a replay', async ({
    page,
    app,
  }) => {
    const dpop = app.auth.dpop!
    dpop.requireNonce.token = true
    expect((await logIn(page)).status).toBe(200)
    expect(dpop.nonceChallenges.token).toBe(1)

    // The API now wants a nonce the worker has not seen.
    dpop.requireNonce.api = true
    dpop.rotateNonce()
    expect((await pageFetch(page, '/api/first')).status).toBe(200)
    expect(dpop.nonceChallenges.api).toBe(1)
    expect(app.api.records.map((record) => `${record.path} ${record.status} ${record.dpop}`)).toEqual([
      '/api/first 401 use_dpop_nonce',
      '/api/first 200 verified',
    ])
    // Remembered: the next request goes out with it, and is not challenged.
    expect((await pageFetch(page, '/api/second')).status).toBe(200)
    expect(dpop.nonceChallenges.api).toBe(1)

    // A new nonce, then an expiry: the refresh is challenged once and retried once, and the nonce
    // its successful answer carries serves the API request that follows.
    dpop.rotateNonce()
    await expireAccessToken(page)
    expect((await pageFetch(page, '/api/after-refresh')).status).toBe(200)
    expect(dpop.nonceChallenges.token).toBe(2)
    expect(dpop.nonceChallenges.api).toBe(1)
    expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['rotated'])
    expect(app.refreshControl.attempts).toBe(2)
    expect(app.api.records.filter((record) => record.status === 200)).toHaveLength(3)
  })

  test('logout deletes the key with the session, and the logout request is proved', async ({ page, app }) => {
    await logIn(page)
    expect((await readRecordInPage(page)).key?.extractable).toBe(false)

    await page.click('#logout')
    await expect.poll(() => app.auth.counters.logouts).toBe(1)
    const after = await readRecordInPage(page)
    expect(after).toEqual({ key: null, exportAttempt: null, anyCryptoKey: false })
    expect((await pageFetch(page, '/api/after-logout')).status).toBe(401)
    expect(app.api.records.at(-1)?.authScheme).toBeNull()
  })

  test('a logout challenged for a nonce is sent once more with it, and the server ends the session', async ({
    page,
    app,
  }) => {
    const dpop = app.auth.dpop!
    await logIn(page)
    // The logout endpoint now wants a nonce the worker has not seen.
    dpop.requireNonce.api = true
    dpop.rotateNonce()

    await page.click('#logout')
    await expect.poll(() => app.auth.counters.logouts).toBe(1)
    expect(dpop.nonceChallenges.api).toBe(1)
    expect(app.requests.filter((request) => request === 'POST /auth/logout')).toHaveLength(2)
    expect(await readRecordInPage(page)).toEqual({ key: null, exportAttempt: null, anyCryptoKey: false })
  })

  test('an XSS that steals the stored record gets a key it cannot export and tokens the API and the token endpoint refuse', async ({
    page,
    app,
  }) => {
    await logIn(page)

    // In the page, as injected script: the key is there, and cannot be exported.
    const stored = await readRecordInPage(page)
    expect(stored.key?.extractable).toBe(false)
    expect(stored.exportAttempt).toBe('InvalidAccessError')

    // The tokens are readable (IndexedDB is not an XSS boundary) and leave the browser. They stay
    // in these variables: never printed, never in an assertion message.
    const stolen = await page.evaluate(async (where) => {
      const record = await new Promise<{ tokens: { accessToken: string; refreshToken: string } }>((resolve) => {
        const open = indexedDB.open(where.name)
        open.onsuccess = () => {
          const get = open.result.transaction(where.store).objectStore(where.store).get(where.key)
          get.onsuccess = () => (open.result.close(), resolve(get.result as never))
        }
      })
      return { accessToken: record.tokens.accessToken, refreshToken: record.tokens.refreshToken }
    }, SESSION_DATABASE)

    // The attacker's machine: a key of its own, valid proofs made with it.
    const attacker = await generateKeyPair('ES256')
    const jwk = await exportJWK(attacker.publicKey)
    const proof = (htm: string, htu: string, accessToken?: string) =>
      new SignJWT({
        jti: randomUUID(),
        htm,
        htu,
        iat: Math.floor(Date.now() / 1000),
        ...(accessToken && { ath: accessTokenHash(accessToken) }),
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .sign(attacker.privateKey)
    expect(await calculateJwkThumbprint(jwk)).toBeTruthy()

    const apiUrl = `${app.origin}/api/stolen`
    const asDpop = await fetch(apiUrl, {
      headers: { Authorization: `DPoP ${stolen.accessToken}`, DPoP: await proof('GET', apiUrl, stolen.accessToken) },
    })
    const asBearer = await fetch(apiUrl, { headers: { Authorization: `Bearer ${stolen.accessToken}` } })
    expect([asDpop.status, asBearer.status]).toEqual([401, 401])
    expect(app.api.records.map((record) => `${record.path} ${record.authorized} ${record.dpop}`)).toEqual([
      '/api/stolen false wrong_key',
      '/api/stolen false bearer',
    ])

    const refreshUrl = `${app.origin}/auth/refresh`
    const form = () =>
      new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stolen.refreshToken, client_id: 'spa' })
    const withOwnKey = await fetch(refreshUrl, {
      method: 'POST',
      headers: { DPoP: await proof('POST', refreshUrl) },
      body: form(),
    })
    const withoutProof = await fetch(refreshUrl, { method: 'POST', body: form() })
    expect([withOwnKey.status, withoutProof.status]).toEqual([400, 400])
    expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['wrong_key', 'dpop_rejected'])
    expect(app.auth.counters.refreshes).toBe(0)

    // The refusals used nothing up: the browser's own session refreshes and works on.
    await expireAccessToken(page)
    expect((await pageFetch(page, '/api/still-mine')).status).toBe(200)
    expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['wrong_key', 'dpop_rejected', 'rotated'])
    expect(app.api.records.at(-1)).toMatchObject({ path: '/api/still-mine', dpop: 'verified', authorized: true })
  })
})
