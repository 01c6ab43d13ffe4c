import { describe, expect, it } from 'vitest'
import { TokenProxyError } from './errors.js'
import { checkSignInOptions, isStepUpRequirement } from './stepUp.js'

describe('checkSignInOptions (what signIn() accepts, checked in the page and again in the worker)', () => {
  it('answers the options given, without the ones left out', () => {
    expect(checkSignInOptions(undefined)).toEqual({})
    expect(checkSignInOptions({})).toEqual({})
    expect(
      checkSignInOptions({ returnTo: '/orders', acrValues: 'urn:example:strong urn:example:mfa', maxAge: 0 }),
    ).toEqual({ returnTo: '/orders', acrValues: 'urn:example:strong urn:example:mfa', maxAge: 0 })
    expect(checkSignInOptions({ acrValues: undefined, maxAge: 300 })).toEqual({ maxAge: 300 })
  })

  it.each<[string, unknown, RegExp]>([
    ['a string instead of options', 'urn:example:strong', /the options must be an object/],
    ['returnTo that is not a string', { returnTo: 42 }, /"returnTo" must be a string/],
    ['acrValues as an array', { acrValues: ['urn:example:strong'] }, /"acrValues" must be one or more ACR values/],
    ['empty acrValues', { acrValues: '' }, /"acrValues"/],
    ['acrValues with a double space', { acrValues: 'a  b' }, /"acrValues"/],
    ['acrValues with a line break', { acrValues: 'a\r\nb' }, /"acrValues"/],
    ['acrValues with a quote', { acrValues: 'a"b' }, /"acrValues"/],
    ['acrValues too long', { acrValues: 'a'.repeat(2049) }, /"acrValues"/],
    ['a negative maxAge', { maxAge: -1 }, /"maxAge" must be a whole number of seconds, 0 or more/],
    ['a fractional maxAge', { maxAge: 1.5 }, /"maxAge"/],
    ['maxAge as a string', { maxAge: '300' }, /"maxAge"/],
    ['an infinite maxAge', { maxAge: Infinity }, /"maxAge"/],
  ])('refuses %s with ERR_INVALID_OPTIONS in the library’s sentence', (_what, options, why) => {
    let thrown: unknown
    try {
      checkSignInOptions(options)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(TokenProxyError)
    expect(thrown).toMatchObject({ code: 'ERR_INVALID_OPTIONS' })
    const { message } = thrown as TokenProxyError
    expect(message).toMatch(/^\[sw-token-proxy\] Failed to start the sign-in: .+\. .+\.$/)
    expect(message).toMatch(why)
  })
})

describe('isStepUpRequirement (the STEP_UP_REQUIRED payload a page accepts)', () => {
  it.each<[unknown, boolean]>([
    [{}, true],
    [{ acrValues: 'urn:example:strong' }, true],
    [{ acrValues: 'a b', maxAge: 0 }, true],
    [{ maxAge: -1 }, false],
    [{ acrValues: 7 }, false],
    [{ acrValues: 'a', accessToken: 'x' }, false],
    [null, false],
  ])('%j → %s', (value, expected) => {
    expect(isStepUpRequirement(value)).toBe(expected)
  })
})
