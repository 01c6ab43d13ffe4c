import { formatDeprecation } from '../protocol/deprecation.js'

/** Names already warned about, so each deprecated name warns once per test process. */
const warned = new Set<string>()

/**
 * Says, once, with `console.warn`, that `name` is deprecated and what replaces it. A deprecated
 * name keeps working for one minor release after the one that deprecated it.
 */
export function warnDeprecated(name: string, reason: string, replacement: string): void {
  if (warned.has(name)) return
  warned.add(name)
  console.warn(formatDeprecation(name, reason, replacement))
}
