/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). */
export interface AuthChallenge {
  /** The auth scheme, lower-cased (`'bearer'`, `'dpop'`, `'basic'`…): schemes are case-insensitive. */
  scheme: string
  /**
   * The auth-params, by lower-cased name, with quoted-string values unquoted and unescaped. A name
   * given twice keeps its first value (RFC 9110 says each may occur once per challenge). No
   * prototype: a parameter named `__proto__` or `constructor` is just a parameter.
   */
  params: Readonly<Record<string, string>>
  /** The token68 form (`Negotiate abc==`), when the challenge has one instead of auth-params. */
  token68?: string
}

/** RFC 9110 `tchar`: the characters of a token (scheme and parameter names, unquoted values). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/
/** RFC 9110 `token68`, which ends the challenge it belongs to. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/

/**
 * Parses a `WWW-Authenticate` value into its challenges, per RFC 9110 §11.6.1:
 * `1#( auth-scheme [ 1*SP ( token68 / #auth-param ) ] )`, where an auth-param is
 * `token BWS "=" BWS ( token / quoted-string )`. Several challenges may share one header, and
 * several headers arrive joined by `", "`, which the grammar reads the same way.
 *
 * It never throws: the value comes from a server, and a malformed one must not break the request
 * it answers. At the first thing that breaks the grammar it stops and answers the challenges it
 * read completely before that; the one it was reading is dropped, so a half-read parameter list is
 * never taken for a whole one.
 */
export function parseWwwAuthenticate(header: string | null | undefined): AuthChallenge[] {
  const text = header ?? ''
  const challenges: AuthChallenge[] = []
  let at = 0

  const peek = () => text[at]
  /** Skips spaces and tabs (OWS, BWS); answers whether there were any. */
  const spaces = () => {
    const start = at
    while (peek() === ' ' || peek() === '\t') at += 1
    return at > start
  }
  /** Skips the list syntax between elements: `OWS "," OWS`, repeated (empty elements are allowed). */
  const separators = () => {
    while (peek() === ' ' || peek() === '\t' || peek() === ',') at += 1
  }
  /** After an element: only spaces, then a comma or the end (the comma is not consumed). */
  const endOfElement = () => (spaces(), at >= text.length || peek() === ',')
  const match = (pattern: RegExp) => {
    const found = pattern.exec(text.slice(at))?.[0]
    if (found !== undefined) at += found.length
    return found
  }
  /** RFC 9110 quoted-string: `"` ( qdtext / `\` any ) `"`, answered unquoted and unescaped. */
  const quotedString = () => {
    let value = ''
    for (let index = at + 1; index < text.length; index++) {
      let character = text[index]
      if (character === '"') {
        at = index + 1
        return value
      }
      if (character === '\\') character = text[++index]
      if (character === undefined) return undefined
      value += character
    }
    return undefined
  }
  /**
   * An auth-param (`name BWS = BWS value`), with its name lower-cased. `undefined`, with nothing
   * consumed, when the text here is not a `name =` at all (the next challenge's scheme, or token68);
   * `null` when it is one whose value is broken (an unterminated quoted string, no value).
   */
  const param = (): [string, string] | null | undefined => {
    const start = at
    const name = match(TOKEN)
    if (name !== undefined) {
      spaces()
      // `abc=` followed by `=`, a comma or the end is token68 padding, not a parameter.
      if (peek() === '=' && !/^=(=|,|$)/.test(text.slice(at))) {
        at += 1
        spaces()
        const value = peek() === '"' ? quotedString() : match(TOKEN)
        return value === undefined ? null : [name.toLowerCase(), value]
      }
    }
    at = start
    return undefined
  }
  /** What follows a scheme, up to the next challenge; `undefined` when it breaks the grammar. */
  const body = (scheme: string): AuthChallenge | undefined => {
    const params: Record<string, string> = Object.create(null) as Record<string, string>
    // A scheme alone: followed by the end, or by a comma and the next challenge.
    if (!spaces() || at >= text.length || peek() === ',') return endOfElement() ? { scheme, params } : undefined
    let next = param()
    if (next === undefined) {
      const token68 = match(TOKEN68)
      return token68 !== undefined && endOfElement() ? { scheme, params, token68 } : undefined
    }
    for (;;) {
      if (next === null) return undefined
      // RFC 9110 says each parameter may occur once per challenge: the first one counts.
      if (!Object.hasOwn(params, next[0])) params[next[0]] = next[1]
      // Parameters are separated by commas, as challenges are.
      if (!endOfElement()) return undefined
      separators()
      // After a comma comes either another auth-param of this challenge (`name=`), or the next
      // challenge's scheme (a token not followed by `=`), which `param()` leaves unread.
      next = param()
      if (next === undefined) return { scheme, params }
    }
  }

  for (;;) {
    separators()
    const scheme = match(TOKEN)
    const challenge = scheme === undefined ? undefined : body(scheme.toLowerCase())
    if (challenge === undefined) return challenges
    challenges.push(challenge)
  }
}
