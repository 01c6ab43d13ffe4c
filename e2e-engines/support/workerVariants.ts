/**
 * Variants of the built demo worker, served through the demo server's `worker.transform` control:
 * the same library and options, plus what one scenario needs. Each fails loudly when the built
 * script no longer has the shape it rewrites, rather than silently serving the plain worker.
 */

/** The demo worker with `refresh.timeoutMs` set (the demo uses the 10 s default). */
export function withRefreshTimeout(timeoutMs: number): (script: string) => string {
  return (script) => {
    // The minified options object: refresh:{url:`/auth/refresh`,…}
    const options = /(refresh:\{url:\s*["'`]\/auth\/refresh["'`])/
    if (!options.test(script)) throw variantError('a refresh timeout', 'refresh:{url:"/auth/refresh"')
    return script.replace(options, `$1,timeoutMs:${timeoutMs}`)
  }
}

/**
 * The demo worker, plus a beacon to `recorder` each time its script starts (`POST /worker-started`)
 * and when it installs (`POST /worker-installed`): a worker restart then shows up as one more start
 * and no more installs in what that server recorded, in every engine.
 */
export function withStartBeacon(recorder: string): (script: string) => string {
  return (script) => `${script}
;(() => {
  const beacon = (what) => fetch(${JSON.stringify(recorder)} + '/' + what, { method: 'POST', mode: 'no-cors' }).catch(() => undefined)
  beacon('worker-started')
  self.addEventListener('install', () => { beacon('worker-installed') })
})()
`
}

function variantError(variant: string, expected: string): Error {
  return new Error(
    `[sw-token-proxy] Failed to serve the demo worker with ${variant}: the built /sw.js has no ${expected}. Rebuild the demo (npx vite build), or update e2e-engines/support/workerVariants.ts to the new build.`,
  )
}
