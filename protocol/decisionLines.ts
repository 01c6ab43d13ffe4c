import type { PassReason, TokenProxyDecision } from './decisions.js'

const PASSED: Record<PassReason, string> = {
  navigation: 'a navigation never gets a token',
  'no-cors': 'a no-cors request never gets a token',
  'own-authorization': 'it has its own Authorization',
  'not-on-a-prefix': 'not on an api prefix',
}

const token = (name: string) => (name === 'session' ? 'the session token' : `the token for ${name}`)
const seconds = (left: number | null) => (left === null ? 'lifetime unknown' : `${left} s left`)

/**
 * One decision as one readable line, in the library's voice (without the `[sw-token-proxy]` mark,
 * which the console line adds). Built from the event alone, so it never holds more than the event.
 */
export function decisionLine(decision: TokenProxyDecision): string {
  switch (decision.type) {
    case 'request':
      return `${decision.method} ${decision.url} → ${decision.role}`
    case 'passed': {
      const nearest = decision.nearest && ` (nearest prefix ${decision.nearest.api}: ${decision.nearest.why})`
      return `${decision.method} ${decision.url} → passed, no token: ${PASSED[decision.why]}${nearest ?? ''}`
    }
    case 'token':
      return `${decision.method} ${decision.url} → ${token(decision.token)} for ${decision.api} (${seconds(decision.secondsLeft)})`
    case 'no-token':
      return `${decision.method} ${decision.url} → ${decision.api}, sent without a token (${decision.why})`
    case 'renewal':
      return decision.phase === 'started'
        ? `renewal of ${token(decision.token)} started`
        : `a request joined the renewal of ${token(decision.token)} under way`
    case 'renewed':
      return `renewal of ${token(decision.token)}: ${decision.outcome}${decision.reason === undefined ? '' : ` (${decision.reason})`}, ${decision.requests} request(s) shared it, lock ${decision.lockMs} ms, ${decision.ms} ms in all`
    case 'unauthorized':
      return `${decision.method} ${decision.url} → 401${decision.error === undefined ? '' : ` ${decision.error}`}: ${
        decision.verdict === 'renew'
          ? 'renew and replay once'
          : decision.verdict === 'step-up'
            ? 'step-up required, no refresh'
            : `passed to the page${decision.why === undefined ? '' : ` (${decision.why})`}`
      }`
    case 'replay':
      return decision.replayed
        ? `${decision.method} ${decision.url} → replayed with the renewed token: ${decision.status}`
        : `${decision.method} ${decision.url} → not replayed (${decision.why}): the page gets the 401`
    case 'step-up':
      return `step-up required${decision.acrValues === undefined ? '' : ` (acr_values "${decision.acrValues}")`}${
        decision.maxAge === undefined ? '' : ` (max_age ${decision.maxAge})`
      }: ${decision.told ? 'every tab told' : 'already told'}`
    case 'logout':
      return decision.ended ? 'logout: the session ended' : 'logout: there was no session'
    case 'session-end':
      return `session ended: ${decision.reason}`
  }
}
