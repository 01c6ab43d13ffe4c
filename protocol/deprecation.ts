/**
 * Builds the one deprecation message format of this library, the companion of `formatMessage`:
 * `[sw-token-proxy] <old> is deprecated: <why>. Use <new> instead.`
 */
export function formatDeprecation(name: string, reason: string, replacement: string): string {
  const sentence = (text: string) => text.trim().replace(/\.+$/, '')
  return `[sw-token-proxy] ${name} is deprecated: ${sentence(reason)}. Use ${sentence(replacement)} instead.`
}
