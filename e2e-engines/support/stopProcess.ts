import type { ChildProcess } from 'node:child_process'

/** Ends `child` (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
export async function stopProcess(child: ChildProcess, { group = false }: { group?: boolean } = {}): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const send = (signal: NodeJS.Signals) => {
    try {
      // A negative pid reaches the whole process group the child leads (the browser it started).
      process.kill(group ? -child.pid! : child.pid!, signal)
    } catch {
      // Already gone.
    }
  }
  send('SIGTERM')
  const timer = setTimeout(() => send('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}
