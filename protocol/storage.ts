/**
 * Where the worker keeps the session (Policy 2): one record in this IndexedDB database, object
 * store and key. Any same-origin script can read it (the README says so); the Playwright helpers
 * and the e2e support read and edit it here, which is why the names live in the shared protocol.
 */
export const SESSION_DATABASE = { name: 'sw-token-proxy', store: 'session', key: 'current' } as const
