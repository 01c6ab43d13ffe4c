// The demo's live timeline: the worker's decision log (`proxy.on('decision')`) drawn as lanes, so
// a newcomer sees what the product does: which requests got which token, the one renewal every
// tab's requests waited on, the 401 that was replayed, and the session's deadlines. Nothing here
// sees a token: the decisions name tokens by what they are for.
import type { TokenProxyClient, TokenProxyDecision } from '../../client/index.ts'

/** How much history the picture keeps: the last minute, at most this many requests. */
const WINDOW_MS = 60_000
const MAX_REQUEST_LANES = 10

interface RequestLane {
  label: string
  /** When the worker sent it (after any renewal it waited on). */
  startedAt: number
  token?: string
  secondsLeft?: number | null
  unauthorizedAt?: number
  replayedAt?: number
  replayStatus?: number
  withoutToken?: string
}

interface RenewalBar {
  token: string
  startedAt: number
  endedAt?: number
  outcome?: string
  joined: number
  requests?: number
}

const SVG = 'http://www.w3.org/2000/svg'

/** A bar's label: after the bar, or before it when the bar is near the right edge (the recent end). */
function labelBeside(x1: number, x2: number): Record<string, string | number> {
  return x2 > 700 ? { x: x1 - 4, 'text-anchor': 'end' } : { x: x2 + 4 }
}

function svg<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name)
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value))
  if (text !== undefined) element.textContent = text
  return element
}

const ROLE_NAMES = {
  'token-endpoint': 'the token endpoint (the worker keeps the tokens, the page gets the rest)',
  logout: 'the logout endpoint (every tab is told)',
  'end-session': "the provider's end-session endpoint",
} as const

/** One sentence per decision, for the list under the picture. */
function describeDecision(decision: TokenProxyDecision): string {
  switch (decision.type) {
    case 'request':
      return `${decision.method} ${decision.url}: ${ROLE_NAMES[decision.role]}`
    case 'passed':
      return `${decision.method} ${decision.url}: left alone (${decision.why}${
        decision.nearest ? `; nearest prefix ${decision.nearest.api}, ${decision.nearest.why}` : ''
      })`
    case 'token':
      return `${decision.method} ${decision.url}: sent with the ${decision.token} token${
        decision.secondsLeft === null ? '' : ` (${decision.secondsLeft} s left)`
      }`
    case 'no-token':
      return `${decision.method} ${decision.url}: sent without a token (${decision.why})`
    case 'renewal':
      return decision.phase === 'started'
        ? `renewal of the ${decision.token} token started`
        : `a request joined the renewal under way (${decision.token})`
    case 'renewed':
      return `renewal ${decision.outcome}${decision.reason ? ` (${decision.reason})` : ''}: ${decision.requests} request(s) waited on it, ${decision.ms} ms`
    case 'unauthorized':
      return `${decision.method} ${decision.url}: 401${decision.error ? ` ${decision.error}` : ''} → ${decision.verdict}`
    case 'replay':
      return decision.replayed
        ? `${decision.method} ${decision.url}: replayed once with the new token → ${decision.status ?? '?'}`
        : `${decision.method} ${decision.url}: not replayed (${decision.why ?? 'no renewal'})`
    case 'step-up':
      return `step-up asked${decision.acrValues ? ` (acr ${decision.acrValues})` : ''}${decision.told ? ': every tab told' : ''}`
    case 'logout':
      return decision.ended ? 'logged out: every tab told' : 'logout with no session'
    case 'session-end':
      return `session ended (${decision.reason})`
  }
}

/**
 * Draws the timeline into `container` and keeps it live. `deadlines` answers the session's
 * deadlines (epoch ms) for the markers on the time axis.
 */
export function mountTimeline(
  container: HTMLElement,
  proxy: TokenProxyClient,
  deadlines: () => { label: string; at: number }[] = () => [],
): void {
  const lanes: RequestLane[] = []
  const renewals: RenewalBar[] = []
  const lines: { at: number; text: string; type: string }[] = []

  const picture = svg('svg', { viewBox: '0 0 1000 300', role: 'img', 'aria-label': 'Timeline of the worker decisions' })
  picture.classList.add('timeline-picture')
  const list = document.createElement('ol')
  list.className = 'timeline-lines'
  list.reversed = true
  container.replaceChildren(picture, list)

  function latest(label: string): RequestLane | undefined {
    for (let i = lanes.length - 1; i >= 0; i -= 1) if (lanes[i]!.label === label) return lanes[i]
    return undefined
  }

  function record(decision: TokenProxyDecision): void {
    lines.unshift({ at: decision.at, text: describeDecision(decision), type: decision.type })
    lines.length = Math.min(lines.length, 80)
    const label = 'method' in decision ? `${decision.method} ${decision.url}` : ''
    switch (decision.type) {
      case 'token': {
        // The token a replay goes out with belongs to the request the 401 hit, not to a new one.
        const hit = latest(label)
        if (hit && hit.unauthorizedAt !== undefined && hit.replayedAt === undefined)
          Object.assign(hit, { token: decision.token, secondsLeft: decision.secondsLeft })
        else lanes.push({ label, startedAt: decision.at, token: decision.token, secondsLeft: decision.secondsLeft })
        break
      }
      case 'no-token':
        lanes.push({ label, startedAt: decision.at, withoutToken: decision.why })
        break
      case 'renewal':
        if (decision.phase === 'started') renewals.push({ token: decision.token, startedAt: decision.at, joined: 0 })
        else {
          const open = renewals.findLast((bar) => bar.token === decision.token && bar.endedAt === undefined)
          if (open) open.joined += 1
        }
        break
      case 'renewed': {
        const open = renewals.findLast((bar) => bar.token === decision.token && bar.endedAt === undefined)
        const ended = { endedAt: decision.at, outcome: decision.outcome, requests: decision.requests }
        if (open) Object.assign(open, ended)
        else renewals.push({ token: decision.token, startedAt: decision.at - decision.ms, joined: 0, ...ended })
        break
      }
      case 'unauthorized': {
        const hit = latest(label)
        if (hit) hit.unauthorizedAt = decision.at
        break
      }
      case 'replay': {
        const hit = latest(label)
        if (hit && decision.replayed) Object.assign(hit, { replayedAt: decision.at, replayStatus: decision.status })
        break
      }
      default:
        break
    }
    const cutoff = decision.at - WINDOW_MS
    while (lanes.length > MAX_REQUEST_LANES || (lanes[0] && lanes[0].startedAt < cutoff)) lanes.shift()
    while (renewals[0] && (renewals[0].endedAt ?? Infinity) < cutoff) renewals.shift()
    draw()
  }

  function draw(): void {
    const now = Date.now()
    const from = Math.min(now - 15_000, ...lanes.map((l) => l.startedAt), ...renewals.map((r) => r.startedAt))
    const to = now + 1_000
    const left = 260
    const width = 1000 - left - 10
    const x = (at: number) => left + ((Math.min(Math.max(at, from), to) - from) / (to - from)) * width
    const rowHeight = 22
    const rows = 2 + lanes.length
    const height = 30 + rows * rowHeight
    picture.setAttribute('viewBox', `0 0 1000 ${height}`)
    const children: SVGElement[] = []
    // The time axis: seconds before now.
    for (let s = 0; s <= (to - from) / 1000; s += 5) {
      const at = now - s * 1000
      if (at < from) break
      children.push(svg('line', { x1: x(at), x2: x(at), y1: 18, y2: height, class: 'tick' }))
      children.push(
        svg('text', { x: x(at), y: 12, class: 'tick-label', 'text-anchor': 'middle' }, s === 0 ? 'now' : `−${s} s`),
      )
    }
    const later: string[] = []
    for (const deadline of deadlines()) {
      if (deadline.at > to) later.push(`${deadline.label} in ${Math.round((deadline.at - now) / 1000)} s`)
      else children.push(svg('line', { x1: x(deadline.at), x2: x(deadline.at), y1: 18, y2: height, class: 'deadline' }))
    }
    if (later.length > 0)
      children.push(
        svg('text', { x: 990, y: height - 4, class: 'deadline-label', 'text-anchor': 'end' }, `${later.join(' · ')} →`),
      )
    // The renewal lane: one bar per renewal, the requests that joined it as a count.
    const renewalY = 26
    children.push(svg('text', { x: 4, y: renewalY + 14, class: 'lane-label' }, 'renewals (one for every tab)'))
    for (const bar of renewals) {
      const x1 = x(bar.startedAt)
      const x2 = Math.max(x1 + 4, x(bar.endedAt ?? now))
      children.push(
        svg('rect', {
          x: x1,
          y: renewalY,
          width: x2 - x1,
          height: rowHeight - 6,
          rx: 3,
          class: `renewal ${bar.outcome ?? 'running'}`,
        }),
      )
      const waited = bar.requests ?? bar.joined + 1
      children.push(
        svg(
          'text',
          { ...labelBeside(x1, x2), y: renewalY + 13, class: 'bar-label' },
          `${bar.token}: ${bar.outcome ?? 'under way'}, ${waited} request(s) waited`,
        ),
      )
    }
    lanes.forEach((request, index) => {
      const y = renewalY + (index + 1.5) * rowHeight
      children.push(
        svg(
          'text',
          { x: 4, y: y + 13, class: 'lane-label' },
          request.label.length > 36 ? `${request.label.slice(0, 35)}…` : request.label,
        ),
      )
      const x1 = x(request.startedAt)
      const x2 = Math.max(x1 + 6, x(request.replayedAt ?? request.startedAt))
      const kind = request.withoutToken
        ? 'without-token'
        : request.unauthorizedAt === undefined
          ? 'sent'
          : 'replayed-request'
      children.push(svg('rect', { x: x1, y: y + 3, width: x2 - x1, height: rowHeight - 10, rx: 2, class: kind }))
      const sent = request.withoutToken
        ? `no token (${request.withoutToken})`
        : `${request.token ?? 'session'} token${request.secondsLeft == null ? '' : `, ${request.secondsLeft} s left`}${
            request.replayedAt === undefined ? '' : `; 401, replayed → ${request.replayStatus ?? '?'}`
          }`
      children.push(svg('text', { ...labelBeside(x1, x2), y: y + 13, class: 'bar-label' }, sent))
      if (request.unauthorizedAt !== undefined)
        children.push(svg('circle', { cx: x(request.unauthorizedAt), cy: y + 8, r: 5, class: 'unauthorized' }))
      if (request.replayedAt !== undefined)
        children.push(svg('circle', { cx: x(request.replayedAt), cy: y + 8, r: 5, class: 'replayed' }))
    })
    picture.replaceChildren(...children)
    list.replaceChildren(
      ...lines.slice(0, 30).map((line) => {
        const item = document.createElement('li')
        item.className = `decision ${line.type}`
        item.textContent = `${new Date(line.at).toLocaleTimeString()}  ${line.text}`
        return item
      }),
    )
  }

  proxy.on('decision', record)
  draw()
  setInterval(draw, 1000)
}
