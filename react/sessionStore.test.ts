import { describe, expect, it, vi } from 'vitest'
import type { TokenProxyStatus } from '../client/index.ts'
import { createSessionStore, LOADING_SESSION } from './sessionStore.ts'
import { fakeClient } from '../client/testClient.ts'

const SIGNED_IN: TokenProxyStatus = { authenticated: true, expiresAt: 1_000, claims: { sub: 'demo' } }
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('createSessionStore', () => {
  it('reads status() on the first subscription, then after every session event', async () => {
    const fake = fakeClient()
    const store = createSessionStore(fake.client)
    expect(store.getSnapshot()).toBe(LOADING_SESSION)
    const stop = store.subscribe(() => {})
    await settle()
    expect(store.getSnapshot()).toMatchObject({ loading: false, authenticated: false })

    fake.worker.status = { ...SIGNED_IN, sessionEndsAt: 9_000, idleEndsAt: 5_000, warnsAt: 4_000 }
    fake.worker.broadcast('session-started', { expiresAt: 1_000 })
    await settle()
    expect(store.getSnapshot()).toEqual({
      ...LOADING_SESSION,
      loading: false,
      authenticated: true,
      claims: { sub: 'demo' },
      expiresAt: 1_000,
      sessionEndsAt: 9_000,
      idleEndsAt: 5_000,
      warnsAt: 4_000,
    })
    expect(fake.client.status).toHaveBeenCalledTimes(2)
    stop()
  })

  it('keeps one snapshot object while nothing changes, and tells subscribers only of changes', async () => {
    const fake = fakeClient(SIGNED_IN)
    const store = createSessionStore(fake.client)
    const onChange = vi.fn()
    store.subscribe(onChange)
    await settle()
    const first = store.getSnapshot()
    expect(onChange).toHaveBeenCalledTimes(1)

    // A warning withdrawn with nothing else changed: status() answers the same session.
    fake.worker.broadcast('session-extended', { sessionEndsAt: null, idleEndsAt: null })
    await settle()
    expect(store.getSnapshot()).toBe(first)
    expect(onChange).toHaveBeenCalledTimes(1)
  })

  it('shows the end at once, with its reason, before status() answers', async () => {
    const fake = fakeClient(SIGNED_IN)
    const store = createSessionStore(fake.client)
    store.subscribe(() => {})
    await settle()
    fake.worker.status = { authenticated: false, expiresAt: null }
    fake.worker.broadcast('session-expired', { reason: 'invalid_grant' })
    expect(store.getSnapshot()).toMatchObject({ authenticated: false, claims: undefined, endedBy: 'invalid_grant' })
    await settle()
    expect(store.getSnapshot()).toMatchObject({ authenticated: false, endedBy: 'invalid_grant' })

    fake.worker.broadcast('session-ended', {})
    expect(store.getSnapshot().endedBy).toBe('logout')
    fake.worker.status = SIGNED_IN
    fake.worker.broadcast('session-started', { expiresAt: 1_000 })
    await settle()
    expect(store.getSnapshot()).toMatchObject({ authenticated: true, endedBy: undefined })
  })

  it('drops the answer of a read that a later event overtook', async () => {
    const fake = fakeClient()
    const answers: Array<(status: TokenProxyStatus) => void> = []
    fake.client.status.mockImplementation(() => new Promise((resolve) => answers.push(resolve)))
    const store = createSessionStore(fake.client)
    store.subscribe(() => {})
    fake.worker.broadcast('session-refreshed', { expiresAt: 2_000 })
    expect(answers).toHaveLength(2)
    answers[1]!({ ...SIGNED_IN, expiresAt: 2_000 })
    answers[0]!({ authenticated: false, expiresAt: null })
    await settle()
    expect(store.getSnapshot()).toMatchObject({ authenticated: true, expiresAt: 2_000 })
  })

  it('stops loading, and keeps what it knew, when the worker does not answer', async () => {
    const fake = fakeClient()
    fake.client.status.mockRejectedValue(new Error('no answer'))
    const store = createSessionStore(fake.client)
    store.subscribe(() => {})
    await settle()
    expect(store.getSnapshot()).toMatchObject({ loading: false, authenticated: false })
  })

  it('listens only while it has subscribers', async () => {
    const fake = fakeClient()
    const store = createSessionStore(fake.client)
    const stopA = store.subscribe(() => {})
    const stopB = store.subscribe(() => {})
    expect(fake.worker.listeners()).toBe(6)
    expect(fake.worker.listeners('refresh-failed')).toBe(0)
    stopA()
    expect(fake.worker.listeners()).toBe(6)
    stopB()
    expect(fake.worker.listeners()).toBe(0)
    await settle()
  })
})
