import { existsSync, readFileSync } from 'node:fs'
import { defineConfig, type DefaultTheme } from 'vitepress'
import { withMermaid } from 'vitepress-plugin-mermaid'

const repository = 'https://github.com/sw-token-proxy/sw-token-proxy'

// Written by TypeDoc (npm run docs:reference) before the site is built; absent on a first `npm run docs`.
const referenceSidebarFile = new URL('../reference/typedoc-sidebar.json', import.meta.url)
const referenceSidebar: DefaultTheme.SidebarItem[] = existsSync(referenceSidebarFile)
  ? (JSON.parse(readFileSync(referenceSidebarFile, 'utf8')) as DefaultTheme.SidebarItem[])
  : []

const guides: DefaultTheme.SidebarItem[] = [
  { text: 'Building the worker', link: '/guides/building-the-worker' },
  { text: 'Options, client API, messages', link: '/guides/configuration' },
  { text: 'APIs on other origins (CORS)', link: '/guides/cors' },
  { text: 'OpenID Connect', link: '/guides/openid-connect' },
  { text: 'React', link: '/guides/react' },
  { text: 'Provider recipes', link: '/guides/providers' },
  { text: 'Many APIs, one refresh token', link: '/guides/many-apis' },
  { text: 'Step-up', link: '/guides/step-up' },
  { text: 'The session clock', link: '/guides/session-clock' },
  { text: 'DPoP', link: '/guides/dpop' },
  { text: 'Server-sent events and WebSockets', link: '/guides/realtime' },
  { text: 'Vue', link: '/guides/vue' },
  { text: 'Testing with Playwright', link: '/guides/playwright' },
  { text: 'Mock Service Worker (msw)', link: '/guides/msw' },
  { text: 'Troubleshooting', link: '/guides/troubleshooting' },
]

export default withMermaid(
  defineConfig({
    title: 'sw-token-proxy',
    description:
      'A service worker that keeps OAuth tokens out of page JavaScript, adds them to your API requests, and refreshes them once for every tab.',
    lang: 'en',
    cleanUrls: true,
    lastUpdated: false,
    head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
    themeConfig: {
      nav: [
        { text: 'Getting started', link: '/getting-started' },
        { text: 'How it works', link: '/how-it-works' },
        { text: 'Guides', link: '/guides/building-the-worker' },
        { text: 'Behaviour', link: '/behaviour' },
        { text: 'Reference', link: '/reference/' },
        { text: 'Performance', link: '/performance' },
      ],
      sidebar: {
        '/reference/': [{ text: 'Reference', link: '/reference/', items: referenceSidebar }],
        '/': [
          {
            text: 'Introduction',
            items: [
              { text: 'Getting started', link: '/getting-started' },
              { text: 'How it works', link: '/how-it-works' },
            ],
          },
          { text: 'Guides', items: guides },
          {
            text: 'Details',
            items: [
              { text: 'Behaviour', link: '/behaviour' },
              { text: 'Performance', link: '/performance' },
              { text: 'Reference', link: '/reference/' },
            ],
          },
        ],
      },
      // Local search runs in the page: nothing is fetched from another site.
      search: { provider: 'local' },
      socialLinks: [{ icon: 'github', link: repository }],
      editLink: {
        // The reference is generated from the TSDoc comments: those are what to edit. The function
        // runs in the page, without this module's constants, so it names the repository itself.
        pattern: ({ filePath }) =>
          filePath.startsWith('reference/')
            ? 'https://github.com/sw-token-proxy/sw-token-proxy/tree/main'
            : `https://github.com/sw-token-proxy/sw-token-proxy/edit/main/docs/${filePath}`,
        text: 'Edit this page on GitHub',
      },
      outline: { level: [2, 3] },
    },
    // Mermaid is one large chunk, loaded only by the pages that have a diagram.
    vite: { build: { chunkSizeWarningLimit: 4096 } },
    mermaid: {},
  }),
)
