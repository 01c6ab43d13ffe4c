import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Starts `server` on `host:port` (port 0 picks a free one) and answers the port it got. */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<number> {
  // Keep-alive sockets would otherwise hold a test's close() open for seconds.
  server.keepAliveTimeout = 500
  await new Promise<void>((resolve) => server.listen(port, host, resolve))
  return (server.address() as AddressInfo).port
}

/** Stops `server` now, open keep-alive and streaming connections included. */
export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise<void>((resolve) => server.close(() => resolve()))
}
