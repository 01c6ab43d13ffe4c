import { demoBuildDir } from './demoBuildDir.ts'
import { startDemo } from './startDemo.ts'

/**
 * `npm start`: serves the built demo with its auth and resource APIs on one origin, an OpenID
 * Provider for its OpenID Connect page, and the DPoP page on an origin whose server requires DPoP.
 */
function seconds(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of seconds`)
  return value
}

function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number`)
  return value
}

const mainPort = port('PORT', 5173)
// The other two default to the next ports, so their origins (and the browser's data for them)
// stay the same from one run to the next; 0 picks any free port.
const demo = await startDemo({
  port: mainPort,
  host: 'localhost',
  oidcPort: port('OIDC_PORT', mainPort === 0 ? 0 : mainPort + 1),
  dpopPort: port('DPOP_PORT', mainPort === 0 ? 0 : mainPort + 2),
  staticDir: demoBuildDir,
  // refresh_expires_in lets the worker's session clock warn every tab before the session ends.
  auth: {
    accessTtlSeconds: seconds('ACCESS_TTL', 20),
    refreshTtlSeconds: seconds('REFRESH_TTL', 120),
    sendRefreshExpiresIn: true,
  },
})
const { accessTtlSeconds, refreshTtlSeconds } = demo.main.auth.options
console.log(
  `sw-token-proxy demo: ${demo.main.origin}  (user demo / demo; access ${accessTtlSeconds} s, refresh ${refreshTtlSeconds} s)`,
)
console.log('Open it in three tabs, log in, and watch the server counters: one refresh per expiry.')
console.log(
  `OpenID Connect: ${demo.main.origin}/oidc.html signs in at ${demo.provider.issuer} (oidc-provider's development screens):` +
    ' any login name and any non-empty password, then Continue.',
)
console.log(`DPoP: ${demo.dpop.origin}/dpop.html, an origin whose server requires DPoP (user demo / demo).`)
