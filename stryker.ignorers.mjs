// @ts-check
/**
 * Stryker ignorer for `stryker.config.mjs`: the wording of error and warning messages.
 *
 * Messages are prose for developers, and protocol/errors.ts says so: "the code never changes for a
 * given failure; the message may be reworded". A mutant that empties the text of a
 * `formatMessage(…)` part or of a `new …Error(…)` message changes no behaviour a caller relies on
 * (the error's type and `code` are the contract, and they stay mutated), so it is not reported.
 * Conditions around a message (`error instanceof Error ? … : …`) are still mutated.
 *
 * Written as the plain object `declareValuePlugin(PluginKind.Ignore, …)` returns, so that this file
 * needs no import of @stryker-mutator/api (a dependency of @stryker-mutator/core, not of ours).
 */

/**
 * Errors whose string arguments are messages. Not `TokenProxyUnsupportedError`: its argument is a
 * reason code (`'no-indexeddb'`), which pages branch on.
 */
const MESSAGE_ERRORS = new Set(['Error', 'TypeError', 'RangeError', 'TokenProxyError'])

/** @param {{ node: { type: string }, parentPath: { node: any } | null }} path */
function isMessageText(path) {
  const { node } = path
  if (node.type !== 'StringLiteral' && node.type !== 'TemplateLiteral') return false
  const parent = path.parentPath?.node
  if (!parent || !parent.arguments?.includes(node)) return false
  const callee = parent.callee
  if (parent.type === 'CallExpression') return callee.type === 'Identifier' && callee.name === 'formatMessage'
  if (parent.type === 'NewExpression') return callee.type === 'Identifier' && MESSAGE_ERRORS.has(callee.name)
  return false
}

export const strykerPlugins = [
  {
    kind: 'Ignore',
    name: 'message-prose',
    value: {
      /** @param {any} path */
      shouldIgnore(path) {
        return isMessageText(path)
          ? 'The wording of an error message: codes are the contract, messages may be reworded'
          : undefined
      },
    },
  },
]
