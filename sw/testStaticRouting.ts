import { URLPattern } from 'urlpattern-polyfill/urlpattern'
import type { RouterCondition, RouterRule } from './staticRoutes.js'

/**
 * What the browser does with a request under static routing rules (a test helper, never shipped):
 * the first rule whose condition matches decides, else the request goes to the worker.
 */
export function routeOf(rules: RouterRule[], url: string, mode: RequestMode = 'cors'): RouterRule['source'] {
  const matches = (condition: RouterCondition): boolean => {
    if ('requestMode' in condition) return condition.requestMode === mode
    if ('urlPattern' in condition) return new URLPattern(condition.urlPattern).test(url)
    if ('or' in condition) return condition.or.some(matches)
    return !matches(condition.not)
  }
  return rules.find((rule) => matches(rule.condition))?.source ?? 'fetch-event'
}
