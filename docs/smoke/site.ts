import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import sirv from 'sirv'

/** The built site (npm run docs:build). */
const distFolder = fileURLToPath(new URL('../.vitepress/dist/', import.meta.url))

/** Every page of the built site as the path a reader opens (clean URLs: no `.html`), home first. */
export function sitePages(): string[] {
  if (!existsSync(join(distFolder, 'index.html')))
    throw new Error(`No built site in ${distFolder}: run npm run docs:build first (npm run test:docs does)`)
  const pages: string[] = []
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith('.html') && path !== join(distFolder, '404.html')) pages.push(pathOf(path))
    }
  }
  walk(distFolder)
  return pages.sort((a, b) => (a === '/' ? -1 : b === '/' ? 1 : a.localeCompare(b)))
}

function pathOf(file: string): string {
  const path = `/${relative(distFolder, file).split(sep).join('/')}`
  if (path.endsWith('/index.html')) return path.slice(0, -'index.html'.length)
  return path.slice(0, -'.html'.length)
}

/** The HTML file that answers `path`, the way the static server below resolves it; none for a 404. */
export function fileFor(path: string): string | undefined {
  const decoded = decodeURIComponent(path)
  const candidates = decoded.endsWith('/')
    ? [join(distFolder, decoded, 'index.html')]
    : [join(distFolder, `${decoded}.html`), join(distFolder, decoded), join(distFolder, decoded, 'index.html')]
  return candidates.find((file) => existsSync(file) && statSync(file).isFile())
}

/** The ids of the elements of a built page: where its `#fragment` links may point. */
export function idsIn(file: string): Set<string> {
  const html = readFileSync(file, 'utf8')
  return new Set([...html.matchAll(/\sid="([^"]+)"/g)].map(([, id]) => decodeHtml(id ?? '')))
}

/** The `href`s of the links (`<a>`) of a built page, as written. */
export function linksIn(file: string): string[] {
  const html = readFileSync(file, 'utf8')
  return [...html.matchAll(/<a\s[^>]*?href="([^"]*)"/g)].map(([, href]) => decodeHtml(href ?? ''))
}

function decodeHtml(text: string): string {
  return text
    .replaceAll('&amp;', '&')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
}

/** Serves the built site on a loopback port, as a static host with clean URLs would; 404 otherwise. */
export async function serveSite(): Promise<{ origin: string; close: () => Promise<void> }> {
  const serve = sirv(distFolder, { extensions: ['html'], dev: false })
  const server: Server = createServer((request, response) =>
    serve(request, response, () => {
      response.statusCode = 404
      response.setHeader('Content-Type', 'text/html')
      response.end(readFileSync(join(distFolder, '404.html')))
    }),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  }
}
