/**
 * Reads a JSON body but never more than `limitBytes` of it: a token response is small, and a
 * server that sends megabytes is broken or hostile. Throws when the body is larger or not JSON.
 */
export async function readJsonWithin(response: Response, limitBytes: number): Promise<unknown> {
  const declared = Number(response.headers.get('Content-Length'))
  if (declared > limitBytes) {
    await response.body?.cancel()
    throw new RangeError(`the body is larger than ${limitBytes} bytes`)
  }
  const bytes = await readBytesWithin(response.body, limitBytes)
  if (bytes === undefined) throw new RangeError(`the body is larger than ${limitBytes} bytes`)
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown
}

/**
 * Collects a stream into one buffer unless it grows past `limitBytes`, in which case the stream is
 * cancelled and `undefined` is returned. A `null` stream is an empty body.
 */
export async function readBytesWithin(
  stream: ReadableStream<Uint8Array> | null,
  limitBytes: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (stream === null) return new Uint8Array(0)
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limitBytes) {
      // Not awaited: when `stream` is one branch of a tee (a cloned request), its cancel promise
      // settles only once the other branch is cancelled too, which here never happens.
      reader.cancel().catch(() => undefined)
      return undefined
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
