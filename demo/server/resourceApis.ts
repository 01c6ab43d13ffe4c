/**
 * The demo's two APIs with access tokens of their own (Policy 11, docs/behaviour.md), beside the rest of
 * `/api/`, which takes the login's own token. The auth server mints a token for one of them only
 * when a refresh names it (RFC 8707 `resource=`, or `audience=`), with that value as the token's
 * `aud`; each API accepts only tokens minted for it. `demo/worker/sw-apis.ts` names the same
 * prefixes and values (a worker is the app's own script, so it spells them out).
 */
export const RESOURCE_APIS = [
  { name: 'orders', prefix: '/api/orders/', parameter: 'resource', value: 'urn:demo:orders' },
  { name: 'billing', prefix: '/api/billing/', parameter: 'audience', value: 'billing' },
] as const

export type ResourceApi = (typeof RESOURCE_APIS)[number]

/** The API a path belongs to, or `undefined` for the rest of `/api/` (the login's own token). */
export function resourceApiOf(path: string): ResourceApi | undefined {
  return RESOURCE_APIS.find((api) => path.startsWith(api.prefix))
}
