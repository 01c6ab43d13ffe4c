import { describe, expect, it } from 'vitest'
import type { TokenProxyOptions } from './glossary.js'
import { resolveOptions } from './resolveOptions.js'

/**
 * Options a worker must refuse at install with ERR_INVALID_OPTIONS (never a TypeError from deep
 * inside, never a silently odd configuration), and the edge values it must accept.
 */

const ORIGIN = 'https://app.example'
const BASE = { api: ['/api/'], refresh: { url: '/auth/refresh' } }

const resolve = (options: unknown) => resolveOptions(options as TokenProxyOptions, ORIGIN)
const refused = (options: unknown) =>
  expect(() => resolve(options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }))

describe('resolveOptions refuses with ERR_INVALID_OPTIONS', () => {
  it.each<[string, unknown]>([
    ['null options', null],
    ['tokenEndpoints that is not an array', { ...BASE, tokenEndpoints: '/auth/login' }],
    ['an empty logout path', { ...BASE, logout: '' }],
    ['a logout endpoint that is not http(s)', { ...BASE, logout: 'ftp://files.example/logout' }],
    ['a refresh that is null', { api: ['/api/'], refresh: null }],
    ['a refresh that is a string', { api: ['/api/'], refresh: '/auth/refresh' }],
    ['an api entry that is null', { ...BASE, api: [null] }],
    ['an api entry that is an empty string', { ...BASE, api: [''] }],
    ['an audience that is not a string', { ...BASE, api: [{ prefix: '/api/', audience: 5 }] }],
    ['an audience with a DEL character', { ...BASE, api: [{ prefix: '/api/', audience: 'api\x7f' }] }],
    ['a resource with an empty fragment', { ...BASE, api: [{ prefix: '/api/', resource: 'https://api.example/#' }] }],
    ['a negative refreshAheadSeconds', { ...BASE, refreshAheadSeconds: -1 }],
  ])('%s', (_why, options) => {
    refused(options)
  })
})

describe('resolveOptions accepts', () => {
  it('http endpoints (local development servers)', () => {
    const resolved = resolve({
      api: ['http://localhost:8080/api/'],
      tokenEndpoints: ['http://localhost:8080/login'],
      refresh: { url: 'http://localhost:8080/refresh' },
      logout: 'http://localhost:8080/logout',
    })
    expect(resolved.tokenEndpoints.map(String)).toEqual(['http://localhost:8080/login'])
    expect(resolved.logout?.href).toBe('http://localhost:8080/logout')
    expect(resolved.renewal).toMatchObject({ endpoint: { url: new URL('http://localhost:8080/refresh') } })
  })

  it('the json refresh format', () => {
    expect(resolve({ ...BASE, refresh: { url: '/auth/refresh', format: 'json' } }).renewal).toMatchObject({
      via: 'refresh-endpoint',
      endpoint: { format: 'json' },
    })
  })

  it('a refresh timeout as given, and refuses 0 as every timeout does', () => {
    const timeoutOf = (timeoutMs: number) => resolve({ ...BASE, refresh: { url: '/auth/refresh', timeoutMs } }).renewal
    expect(timeoutOf(2500)).toMatchObject({ endpoint: { timeoutMs: 2500 } })
    expect(() => timeoutOf(0)).toThrow(/"refresh.timeoutMs" must be a positive number of milliseconds/)
  })

  it('a refreshAheadSeconds of 0 (renew only once expired)', () => {
    expect(resolve({ ...BASE, refreshAheadSeconds: 0 }).refreshAheadSeconds).toBe(0)
  })
})
