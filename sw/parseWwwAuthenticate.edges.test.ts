import { describe, expect, it } from 'vitest'
import { parseWwwAuthenticate } from './parseWwwAuthenticate.js'

// RFC 9110 §11.6.1 at the edges the servers reach: trailing spaces, empty list elements, tabs
// between parameters, token68 padding, and a token68 followed by more than a comma.

const challenge = (scheme: string, params: Record<string, string> = {}, token68?: string) => ({
  scheme: scheme.toLowerCase(),
  params: expect.objectContaining(params) as unknown,
  ...(token68 !== undefined && { token68 }),
})

describe('parseWwwAuthenticate at the edges', () => {
  it('reads a scheme alone, followed by spaces', () => {
    expect(parseWwwAuthenticate('Bearer ')).toEqual([challenge('Bearer')])
  })

  it('reads a scheme alone before an empty element and the next challenge', () => {
    expect(parseWwwAuthenticate('Bearer , Basic realm="x"')).toEqual([
      challenge('Bearer'),
      challenge('Basic', { realm: 'x' }),
    ])
  })

  it('reads parameters separated by a comma and a tab', () => {
    expect(parseWwwAuthenticate('Bearer realm="api",\terror="invalid_token"')).toEqual([
      challenge('Bearer', { realm: 'api', error: 'invalid_token' }),
    ])
  })

  it('reads a token68 with one padding character at the end of the header', () => {
    expect(parseWwwAuthenticate('Basic abc=')).toEqual([challenge('Basic', {}, 'abc=')])
  })

  it("takes a later challenge's token68 padding for nothing of an earlier challenge's parameters", () => {
    expect(parseWwwAuthenticate('Bearer error="invalid_token", Basic abc==')).toEqual([
      challenge('Bearer', { error: 'invalid_token' }),
      challenge('Basic', {}, 'abc=='),
    ])
  })

  it('drops a token68 followed by anything but a comma', () => {
    expect(parseWwwAuthenticate('Newauth abc def')).toEqual([])
  })
})
