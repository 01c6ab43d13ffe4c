/** The library version, stamped into both the worker and the client for the handshake; a unit test keeps it equal to package.json. */
export const LIBRARY_VERSION = '0.2.0'
