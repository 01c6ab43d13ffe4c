import { createHash } from 'node:crypto'

/** A short digest to record instead of a secret or a body: enough to compare, useless to replay. */
export function digest(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16)
}

export interface BodySummary {
  digest: string
  bytes: number
}

/** Hashes a request body as it streams in, so a 100 MB upload never sits in memory. */
export async function summarizeBody(stream: AsyncIterable<Buffer>): Promise<BodySummary> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of stream) {
    hash.update(chunk)
    bytes += chunk.byteLength
  }
  return { digest: hash.digest('hex').slice(0, 16), bytes }
}
