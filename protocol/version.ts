/** The library version, stamped into both the worker and the client for the handshake. */
export const LIBRARY_VERSION = '0.1.0'
