import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore } from 'idb'
import { ErrorCode, TokenProxyError, formatMessage } from '../protocol/errors.js'
import { SESSION_DATABASE } from '../protocol/storage.js'
import type { DpopKey } from './dpop/DpopKey.js'

/** The tokens of a live session, with the login they belong to and what issued them. */
export interface SessionTokens {
  /**
   * Which login this session descends from: a random id made at login and kept by every refresh
   * (Policy 10). The generation alone cannot tell: a new login is also a new generation.
   */
  loginId: string
  /**
   * What issued the session and is the only place its refresh token may go: the refresh endpoint,
   * or the OpenID issuer and client (see `issuerOf`). Missing in records from earlier builds
   * that had no `issuedBy` field: such a record matches no configuration, so its session ends.
   */
  issuedBy: string
  accessToken: string
  refreshToken: string | undefined
  idToken: string | undefined
  /** Epoch ms on the worker's clock, or `null` when unknown. */
  expiresAt: number | null
  receivedAt: number
  /**
   * Access tokens for the APIs that name their own resource, audience or scopes (Policy 11), by
   * `TokenTarget.key`, all minted from this session's one `refreshToken`. Absent in records
   * from earlier builds that had no such field, and in a session that has not needed one yet: read as none.
   */
  resourceTokens?: Readonly<Record<string, ResourceToken>>
  // DPoP (Policy 14, docs/behaviour.md), only with `dpop: true`: the session's key lives and dies with the session
  // record (a logout or a session end clears it with the tokens), and is kept by every refresh.
  /** The session's non-extractable DPoP key; absent for bearer sessions. */
  dpopKey?: DpopKey
  /** `'DPoP'` when the access token is DPoP-bound (`token_type: DPoP`); absent means bearer. */
  tokenType?: 'DPoP'
  // The session clock (Policy 16, docs/behaviour.md): epoch ms on the worker's clock, each absent
  // when unknown (and in records from earlier builds).
  /** When the refresh token's own lifetime ends (`refresh_expires_in`…, counted from receipt). */
  refreshExpiresAt?: number
  /** When the user signed in (the ID token's `auth_time`, moved onto the worker's clock): the ceiling counts from it. */
  signedInAt?: number
  /** When the provider says the session ends (an ID token's `session_expiry`, onto the worker's clock). */
  providerEndsAt?: number
}

/** An access token for one target (`TokenTarget`), kept beside the session's own. */
export interface ResourceToken {
  accessToken: string
  /** Epoch ms on the worker's clock, or `null` when unknown (then only a 401 renews it). */
  expiresAt: number | null
  receivedAt: number
  /** `'DPoP'` when this token is DPoP-bound (to the session's key); absent means bearer. */
  tokenType?: 'DPoP'
  /**
   * The record generation this token was written at. Tells a request that got a 401 whether the
   * token it sent is still the current one for its API, whatever other APIs' renewals did since.
   */
  generation: number
}

/** The session's token for `key`, if it has one. */
export function resourceTokenOf(tokens: SessionTokens, key: string): ResourceToken | undefined {
  return Object.hasOwn(tokens.resourceTokens ?? {}, key) ? tokens.resourceTokens?.[key] : undefined
}

/**
 * The one session record. `generation` only ever grows, across logins and logouts too, so a
 * request sent with generation N can always tell whether the token it used is still current.
 * `tokens: null` is a session that ended; the record stays so the generation is not lost.
 */
export interface SessionRecord {
  generation: number
  tokens: SessionTokens | null
  /**
   * The idle clock (Policy 16): when any tab last used this session (an API request, reported
   * activity, `stayActive()`), epoch ms on the worker's clock; absent until then, when the
   * tokens' `receivedAt` stands in. Written without moving the generation, since it says nothing
   * about the tokens; it belongs to the login in `tokens`, and a new login starts without it.
   */
  lastActiveAt?: number
}

/** A record with a session in it. */
export type LiveSession = SessionRecord & { tokens: SessionTokens }

export const isLive = (record: SessionRecord): record is LiveSession => record.tokens !== null

export const NO_SESSION: SessionRecord = Object.freeze({ generation: 0, tokens: null })

/**
 * An OpenID Connect sign-in between the redirect to the provider and the callback. Kept in
 * IndexedDB, not memory, because the worker may be stopped while the user is at the provider.
 */
export interface PendingSignIn {
  codeVerifier: string
  nonce: string
  returnTo: string | null
  createdAt: number
  /** The `max_age` the sign-in asked for (a step-up): the ID token's `auth_time` must meet it. */
  maxAge?: number
  /**
   * DPoP (Policy 14): the key made for this sign-in, before the redirect, so that the code is bound
   * to it (`dpop_jkt`) and its exchange is proved by it. Taken with the sign-in (and so deleted from
   * here) at the callback; a sign-in never completed is forgotten with it.
   */
  dpopKey?: DpopKey
  /**
   * The configuration that began it, as a session's `issuedBy` (Policy 10): provider, client and
   * DPoP setting. Only a worker configured the same completes it.
   */
  issuedBy?: string
}

/** Bumped with every schema change; `upgrade` below handles each step, and never blocks. */
const DATABASE_VERSION = 2
const SESSION_KEY = SESSION_DATABASE.key

/** The database's object stores: the session record, and (version 2) pending OpenID Connect sign-ins by `state`. */
export type StoreName = 'session' | 'pendingSignIn'

interface TokenProxySchema extends DBSchema {
  session: { key: string; value: SessionRecord }
  /** Version 2: pending OpenID Connect sign-ins, keyed by their `state`. */
  pendingSignIn: { key: string; value: PendingSignIn }
}

/**
 * Owns the IndexedDB database and an in-memory copy of the session record. Every write is one
 * transaction that reads and writes without awaiting anything else (idb's rule: a transaction
 * closes when it is left idle, so never await the network inside one).
 */
export class TokenStore {
  #db: Promise<IDBPDatabase<TokenProxySchema>> | undefined
  #cached: SessionRecord | undefined
  /** The first read after a start, shared by every caller that needs the record before it lands. */
  #firstRead: Promise<SessionRecord> | undefined
  /** Counts this store's writes, so that a read which started before one cannot overwrite it. */
  #writes = 0
  readonly #databaseName: string

  constructor(databaseName: string = SESSION_DATABASE.name) {
    this.#databaseName = databaseName
  }

  /**
   * The session as this worker last saw it; reads IndexedDB once after a worker start. The worker
   * calls it as its script evaluates, so the first request after a start finds the read under way
   * (or done) instead of starting it.
   */
  async current(): Promise<SessionRecord> {
    if (this.#cached) return this.#cached
    this.#firstRead ??= this.reload().finally(() => (this.#firstRead = undefined))
    return this.#firstRead
  }

  /**
   * `current()`, read again when it holds no session: the worker an update replaces may have stored
   * a login since this worker's first read. What a request about to go out without a token asks.
   */
  async currentOrStarted(): Promise<SessionRecord> {
    const record = await this.current()
    // A store that cannot be read now leaves what this worker knew: no session.
    return isLive(record) ? record : this.reload().catch(() => record)
  }

  /** Reads the record again, for when another worker (an update, a restart) may have written it. */
  async reload(): Promise<SessionRecord> {
    const writesBefore = this.#writes
    const db = await this.#open()
    const record = (await this.#attempt('read the session', () => db.get('session', SESSION_KEY))) ?? NO_SESSION
    // A write of this store that landed meanwhile is newer than what this read saw.
    if (this.#writes === writesBefore) this.#cached = record
    return this.#cached ?? record
  }

  /** Starts a new session (a login), whatever was there before. */
  async start(tokens: SessionTokens): Promise<SessionRecord> {
    return this.#update((current) => ({ generation: current.generation + 1, tokens }))
  }

  /**
   * Writes `tokens` only if the record is still at `expectedGeneration`; answers the record as it
   * is afterwards. A refresh that lost a race (a logout, another worker's refresh) writes nothing.
   */
  async compareAndSwap(
    expectedGeneration: number,
    tokens: SessionTokens | null,
  ): Promise<{ written: boolean; record: SessionRecord }> {
    let written = false
    const record = await this.#update((current) => {
      if (current.generation !== expectedGeneration) return undefined
      written = true
      // A renewal is not activity, nor does it forget any: the idle clock stays with its login.
      const sameLogin = tokens !== null && current.tokens?.loginId === tokens.loginId
      return {
        generation: current.generation + 1,
        tokens,
        ...(sameLogin && current.lastActiveAt !== undefined && { lastActiveAt: current.lastActiveAt }),
      }
    })
    return { written, record }
  }

  /**
   * Activity of `loginId`'s session at `at` (Policy 16's idle clock), in memory: what this worker
   * decides with at once. `saveActivity` makes it durable; a later activity is never overwritten.
   */
  markActive(loginId: string, at: number): void {
    const record = this.#cached
    if (record?.tokens?.loginId === loginId && (record.lastActiveAt ?? 0) < at)
      this.#cached = { ...record, lastActiveAt: at }
  }

  /** `markActive`, written to IndexedDB too, so that every worker (and a restart) sees it. */
  async saveActivity(loginId: string, at: number): Promise<void> {
    await this.#update((current) =>
      current.tokens?.loginId === loginId && (current.lastActiveAt ?? 0) < at
        ? { ...current, lastActiveAt: at }
        : undefined,
    )
  }

  /** Ends the session, whatever its generation (logout). Answers the tokens it cleared, if any. */
  async end(): Promise<SessionTokens | null> {
    let ended: SessionTokens | null = null
    await this.#update((current) => {
      ended = current.tokens
      return ended ? { generation: current.generation + 1, tokens: null } : undefined
    })
    return ended
  }

  async close(): Promise<void> {
    const db = await this.#db
    db?.close()
    this.#db = undefined
    this.#cached = undefined
  }

  /** Read, decide and write in one transaction; `decide` returning `undefined` writes nothing. */
  async #update(decide: (current: SessionRecord) => SessionRecord | undefined): Promise<SessionRecord> {
    const db = await this.#open()
    const record = await this.#attempt('save the session', async () => {
      const tx = db.transaction('session', 'readwrite')
      const current = (await tx.store.get(SESSION_KEY)) ?? NO_SESSION
      const next = decide(current)
      if (next) await tx.store.put(next, SESSION_KEY)
      await tx.done
      return next ?? current
    })
    this.#writes += 1
    this.#cached = record
    return record
  }

  /**
   * One read-write transaction on `storeName`: answers what `work` answered, once the transaction
   * has committed. `work` may await its own requests, nothing else (idb's rule above). The
   * session's writes go through `#update`; the OpenID plug-in keeps its sign-ins in progress in
   * `pendingSignIn` with this (sw/oidc/pendingSignIns.ts), so the database stays this class's alone.
   */
  async transaction<T, Name extends StoreName>(
    action: string,
    storeName: Name,
    work: (store: IDBPObjectStore<TokenProxySchema, [Name], Name, 'readwrite'>) => Promise<T>,
  ): Promise<T> {
    const db = await this.#open()
    return this.#attempt(action, async () => {
      const tx = db.transaction(storeName, 'readwrite')
      // A failed request also aborts the transaction; the first failure is the one reported.
      const [answer] = await Promise.all([work(tx.store), tx.done])
      return answer
    })
  }

  #open(): Promise<IDBPDatabase<TokenProxySchema>> {
    // A closed connection is forgotten, so the next operation opens a fresh one (or fails with a
    // clear error if a newer schema now owns the database) instead of failing forever.
    const forget = () => {
      this.#db = undefined
    }
    this.#db ??= this.#attempt('open the token database', () =>
      openDB<TokenProxySchema>(this.#databaseName, DATABASE_VERSION, {
        upgrade(db, oldVersion) {
          if (oldVersion < 1) db.createObjectStore('session')
          if (oldVersion < 2) db.createObjectStore('pendingSignIn')
        },
        // A newer worker (or any same-origin script) upgrading the database must not be blocked
        // by this connection: close it and reopen on the next operation.
        blocking(_currentVersion, _blockedVersion, event) {
          ;(event.target as IDBDatabase).close()
          forget()
        },
        terminated: forget,
      }),
    ).catch((error: unknown) => {
      forget()
      throw error
    })
    return this.#db
  }

  async #attempt<T>(action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation()
    } catch (cause) {
      const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : 'IndexedDB failed'
      throw new TokenProxyError(
        ErrorCode.STORAGE_FAILED,
        formatMessage(
          action,
          why,
          'Check that IndexedDB is available and not full; the previous session record is unchanged',
        ),
        { cause },
      )
    }
  }
}
