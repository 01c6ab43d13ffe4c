/** A failure the auth server answers a request with, instead of the real answer. */
export type EndpointFault =
  | { kind: 'status'; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  /** A 200 whose body is given as is (malformed token responses). */
  | { kind: 'body'; body: string | Buffer; contentType?: string }
  /** The socket is destroyed before any answer. */
  | { kind: 'reset' }
  /** Never answers. */
  | { kind: 'hang' }

/**
 * Test controls for one auth endpoint (login or refresh): hold responses until the test releases
 * them (the server has already done the work by then, as with a real response in flight), and
 * answer the next requests with injected failures. Reachable from the test process only, never
 * over HTTP.
 */
export class EndpointControl {
  /** Every request that reached the endpoint, answered, failed or held. */
  attempts = 0
  #holding = false
  /** When set, only the responses delivered with this key are held (`hold(key)`). */
  #holdOnly: string | undefined
  #held: Array<() => void> = []
  #arrivals: Array<() => void> = []
  readonly #faults: EndpointFault[] = []

  /**
   * From now on, responses wait until `release()`. With `key`, only the responses the server
   * delivers with that key (the refresh endpoint's: the `resource` or `audience` a refresh asks
   * for), so one API's renewal can be held while the others go through.
   */
  hold(key?: string): void {
    this.#holding = true
    this.#holdOnly = key
  }

  /** Sends every held response and stops holding. */
  release(): void {
    this.#holding = false
    this.#holdOnly = undefined
    for (const send of this.#held.splice(0)) send()
  }

  get heldCount(): number {
    return this.#held.length
  }

  /** Resolves once at least `count` responses are being held. */
  async waitForHeld(count = 1, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.#held.length < count) {
      if (Date.now() > deadline) throw new Error(`no request arrived within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        this.#arrivals.push(resolve)
        setTimeout(resolve, 50)
      })
    }
  }

  /** The next `count` requests get `fault`. */
  fail(fault: EndpointFault, count = 1): void {
    for (let i = 0; i < count; i++) this.#faults.push(fault)
  }

  clearFaults(): void {
    this.#faults.length = 0
  }

  /** @internal Used by the server: counts the request, and answers the fault injected for it. */
  takeFault(): EndpointFault | undefined {
    this.attempts += 1
    return this.#faults.shift()
  }

  /** @internal Used by the server: resolves now, or once the test releases held responses. */
  passage(): Promise<void> {
    return new Promise((resolve) => this.deliver(resolve))
  }

  /** @internal Used by the server: runs `send` now, or when released (`key`: see `hold`). */
  deliver(send: () => void, key?: string): void {
    if (!this.#holding || (this.#holdOnly !== undefined && key !== this.#holdOnly)) return send()
    this.#held.push(send)
    for (const arrived of this.#arrivals.splice(0)) arrived()
  }
}
