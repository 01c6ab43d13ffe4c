import { describe, expect, it } from 'vitest'
import { targetParameters, tokenTarget } from './tokenTarget.js'

// What an `api` entry's resource, audience and scope make of its token (Policy 11), and what its
// renewal asks the server for: exactly the parameters named, never an empty one.

describe('tokenTarget', () => {
  it('is none when nothing is named: the session token', () => {
    expect(tokenTarget({})).toBeUndefined()
    expect(targetParameters(undefined)).toEqual({})
  })

  it.each([
    [{ scope: 'invoices:read' }, 'scope=invoices%3Aread'],
    [{ audience: 'orders' }, 'audience=orders'],
    [{ resource: 'https://orders.example/' }, 'resource=https%3A%2F%2Forders.example%2F'],
  ])('is a target of its own for %j alone, asking for that only', (parameters, key) => {
    const target = tokenTarget(parameters)
    expect(target).toStrictEqual({ key, ...parameters })
    expect(targetParameters(target)).toStrictEqual(parameters)
  })

  it('keys every parameter named, so two entries differing in one get different tokens', () => {
    const target = tokenTarget({ resource: 'https://orders.example/', audience: 'orders', scope: 'read' })
    expect(target?.key).toBe('resource=https%3A%2F%2Forders.example%2F&audience=orders&scope=read')
    expect(targetParameters(target)).toStrictEqual({
      resource: 'https://orders.example/',
      audience: 'orders',
      scope: 'read',
    })
  })
})
