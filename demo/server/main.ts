import { startDemoServer } from './createDemoServer.ts'
import { demoBuildDir } from './demoBuildDir.ts'

/** `npm start`: serves the built demo with its auth and resource APIs on one origin. */
function seconds(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of seconds`)
  return value
}

const port = Number(process.env['PORT'] ?? 5173)
const server = await startDemoServer({
  port,
  host: 'localhost',
  staticDir: demoBuildDir,
  // refresh_expires_in lets the worker's session clock warn every tab before the session ends.
  auth: {
    accessTtlSeconds: seconds('ACCESS_TTL', 20),
    refreshTtlSeconds: seconds('REFRESH_TTL', 120),
    sendRefreshExpiresIn: true,
  },
})
const { accessTtlSeconds, refreshTtlSeconds } = server.auth.options
console.log(
  `sw-token-proxy demo: ${server.origin}  (user demo / demo; access ${accessTtlSeconds} s, refresh ${refreshTtlSeconds} s)`,
)
console.log('Open it in three tabs, log in, and watch the server counters: one refresh per expiry.')
