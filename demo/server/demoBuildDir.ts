import { fileURLToPath } from 'node:url'

/**
 * Where `vite build` writes the demo (pages and workers), and what the demo server, the e2e suite
 * and the benchmark serve. Not `dist/`: that folder is the library, and only the library.
 */
export const demoBuildDir = fileURLToPath(new URL('../dist', import.meta.url))
