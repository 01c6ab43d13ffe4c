import { spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import { stopProcess } from './stopProcess.ts'

export interface VirtualDisplay {
  /** `:N`, for `DISPLAY`. */
  display: string
  stop(): Promise<void>
}

/**
 * Starts an X server without a screen (Xvfb) on a display it picks itself (`-displayfd`), so two
 * test runs on one machine never fight over `:99`. WebKitGTK's MiniBrowser needs a display even
 * when nobody looks at it.
 */
export async function startXvfb(executable: string, timeoutMs = 10_000): Promise<VirtualDisplay> {
  const xvfb = spawn(executable, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  xvfb.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)))
  try {
    const number = await new Promise<string>((resolve, reject) => {
      let written = ''
      const timer = setTimeout(() => reject(new Error(`it did not report a display within ${timeoutMs} ms`)), timeoutMs)
      ;(xvfb.stdio[3] as Readable).on('data', (chunk: Buffer) => {
        written += chunk.toString()
        if (!written.includes('\n')) return
        clearTimeout(timer)
        resolve(written.trim())
      })
      xvfb.once('error', (error) => (clearTimeout(timer), reject(error)))
      xvfb.once(
        'exit',
        (code) => (clearTimeout(timer), reject(new Error(`it exited with code ${code}: ${stderr.trim()}`))),
      )
    })
    return { display: `:${number}`, stop: () => stopProcess(xvfb) }
  } catch (error) {
    await stopProcess(xvfb)
    throw new Error(
      `[sw-token-proxy] Failed to start Xvfb for WebKit: ${(error as Error).message}. Install it (apt-get install xvfb) or set DISPLAY.`,
      { cause: error },
    )
  }
}
