/** A failure the auth server answers a refresh request with, instead of the real answer. */
export type RefreshFault =
  | { kind: 'status'; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  /** A 200 whose body is given as is (malformed token responses). */
  | { kind: 'body'; body: string | Buffer; contentType?: string }
  /** The socket is destroyed before any answer. */
  | { kind: 'reset' }
  /** Never answers. */
  | { kind: 'hang' }

/**
 * Test controls for the refresh endpoint: hold responses until the test releases them (the server
 * has already rotated the token by then, as a real in-flight refresh would have), and answer the
 * next requests with injected failures. Reachable from the test process only, never over HTTP.
 */
export class RefreshControl {
  #holding = false
  #held: Array<() => void> = []
  #arrivals: Array<() => void> = []
  readonly #faults: RefreshFault[] = []

  /** From now on, refresh responses wait until `release()`. */
  hold(): void {
    this.#holding = true
  }

  /** Sends every held response and stops holding. */
  release(): void {
    this.#holding = false
    for (const send of this.#held.splice(0)) send()
  }

  get heldCount(): number {
    return this.#held.length
  }

  /** Resolves once at least `count` refresh responses are being held. */
  async waitForHeld(count = 1, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.#held.length < count) {
      if (Date.now() > deadline) throw new Error(`no refresh request arrived within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        this.#arrivals.push(resolve)
        setTimeout(resolve, 50)
      })
    }
  }

  /** The next `count` refresh requests get `fault`. */
  fail(fault: RefreshFault, count = 1): void {
    for (let i = 0; i < count; i++) this.#faults.push(fault)
  }

  clearFaults(): void {
    this.#faults.length = 0
  }

  /** @internal Used by the server: the fault for this request, if one was injected. */
  takeFault(): RefreshFault | undefined {
    return this.#faults.shift()
  }

  /** @internal Used by the server: runs `send` now, or when released. */
  deliver(send: () => void): void {
    if (!this.#holding) return send()
    this.#held.push(send)
    for (const arrived of this.#arrivals.splice(0)) arrived()
  }
}
