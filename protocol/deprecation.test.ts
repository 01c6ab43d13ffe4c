import { describe, expect, it } from 'vitest'
import { formatDeprecation } from './deprecation.ts'

describe('formatDeprecation', () => {
  it('names the old and the new, in the library-wide form', () => {
    expect(formatDeprecation('oldThing()', 'it was renamed.', 'newThing()')).toBe(
      '[sw-token-proxy] oldThing() is deprecated: it was renamed. Use newThing() instead.',
    )
  })
})
