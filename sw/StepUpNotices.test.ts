import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { StepUpRequirement } from '../protocol/stepUp.js'
import { StepUpNotices } from './StepUpNotices.js'
import { TokenStore } from './tokenStore.js'

// Once per login and requirement: which requirements are the same one, and how long it is remembered.

async function setUp() {
  const store = new TokenStore(`step-up-${crypto.randomUUID()}`)
  await store.start({
    loginId: 'login-1',
    issuedBy: 'refresh https://app.example/auth/refresh',
    accessToken: 'at-1',
    refreshToken: 'rt-1',
    idToken: undefined,
    expiresAt: null,
    receivedAt: 0,
  })
  const told: unknown[] = []
  const notices = new StepUpNotices({ store, broadcast: (_type, payload) => (told.push(payload), Promise.resolve()) })
  const notify = (requirement: StepUpRequirement) => notices.notify('login-1', requirement)
  return { notify, told }
}

describe('StepUpNotices: the same requirement', () => {
  it('is the same ACR values in another order', async () => {
    const { notify, told } = await setUp()
    await notify({ acrValues: 'gold silver' })
    await notify({ acrValues: 'silver gold' })
    expect(told).toEqual([{ acrValues: 'gold silver' }])
  })

  it.each([
    ['other ACR values', { acrValues: 'gold' }, { acrValues: 'silver' }],
    ['ACR values split otherwise', { acrValues: 'ab c' }, { acrValues: 'a bc' }],
    ['two ACR values, or one of their letters', { acrValues: 'a b' }, { acrValues: 'ab' }],
    ['a max_age, or none', {}, { maxAge: 300 }],
    ['a max_age of 0, or none', { maxAge: 0 }, {}],
  ])('is not %s: each is told', async (_, first: StepUpRequirement, second: StepUpRequirement) => {
    const { notify, told } = await setUp()
    await notify(first)
    await notify(second)
    await notify(first)
    expect(told).toEqual([first, second])
  })
})

describe('StepUpNotices: the memory', () => {
  it('holds the last 64 requirements told, and forgets the oldest first', async () => {
    const { notify, told } = await setUp()
    const requirement = (n: number) => ({ maxAge: n })
    for (let n = 1; n <= 64; n += 1) await notify(requirement(n))
    await notify(requirement(1))
    expect(told).toHaveLength(64)

    await notify(requirement(65))
    await notify(requirement(2))
    expect(told).toHaveLength(65)
    await notify(requirement(1))
    expect(told).toHaveLength(66)
    expect(told.at(-1)).toEqual(requirement(1))
  })
})
