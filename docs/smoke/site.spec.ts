import { expect, test as base } from '@playwright/test'
import { fileFor, idsIn, linksIn, serveSite, sitePages } from './site.ts'

const test = base.extend<object, { site: string }>({
  // One static server per Playwright worker, on a port of its own.
  site: [
    async ({}, use) => {
      const server = await serveSite()
      await use(server.origin)
      await server.close()
    },
    { scope: 'worker' },
  ],
})

const pages = sitePages()

test('the site has every section of the navigation', () => {
  for (const path of ['/', '/getting-started', '/how-it-works', '/behaviour', '/performance', '/reference/'])
    expect(pages, `${path} was not built`).toContain(path)
  expect(pages.filter((path) => path.startsWith('/guides/')).length).toBeGreaterThanOrEqual(10)
  expect(pages.filter((path) => path.startsWith('/reference/')).length).toBeGreaterThan(20)
})

for (const path of pages) {
  test(`page ${path} opens without errors`, async ({ page, site }) => {
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    // The site is self-contained: nothing may be fetched from another origin (fonts, scripts, analytics).
    page.on('request', (request) => {
      if (!request.url().startsWith(site) && !request.url().startsWith('data:'))
        problems.push(`request to another origin: ${request.url()}`)
    })
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`)
    })

    const response = await page.goto(`${site}${path}`, { waitUntil: 'load' })
    expect(response?.status(), `${path} answered`).toBe(200)
    await expect(page.locator('.VPContent')).toBeVisible()
    // Mermaid renders in the page after hydration: wait for every diagram, so its errors count.
    const diagrams = page.locator('.mermaid')
    for (const diagram of await diagrams.all()) {
      await expect(diagram.locator('svg')).toBeVisible()
      // Mermaid draws a parse error as an SVG too: its text says so.
      await expect(diagram).not.toContainText('Syntax error')
    }
    await page.waitForLoadState('networkidle')

    expect(problems).toEqual([])
  })
}

test('every internal link resolves, and every #fragment names an element of its page', async ({
  request,
  site,
}, testInfo) => {
  const broken: string[] = []
  const checked = new Set<string>()
  for (const path of pages) {
    const file = fileFor(path)
    if (!file) throw new Error(`${path} has no file`)
    for (const href of linksIn(file)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) continue // another site, mailto:
      const url = new URL(href, `${site}${path}`)
      const key = `${url.pathname}${url.hash}`
      if (checked.has(key)) continue
      checked.add(key)
      const target = fileFor(url.pathname)
      const answer = await request.get(`${site}${url.pathname}`)
      if (answer.status() !== 200 || !target) {
        broken.push(`${path} → ${href}: ${answer.status()}`)
        continue
      }
      const fragment = decodeURIComponent(url.hash.slice(1))
      if (fragment && !idsIn(target).has(fragment)) broken.push(`${path} → ${href}: no element with id "${fragment}"`)
    }
  }
  testInfo.annotations.push({
    type: 'links',
    description: `${checked.size} distinct internal links on ${pages.length} pages`,
  })
  console.log(`docs: ${checked.size} distinct internal links checked on ${pages.length} pages`)
  expect(broken).toEqual([])
  expect(checked.size).toBeGreaterThan(50)
})

test('the home page, as a screenshot', async ({ page, site }, testInfo) => {
  await page.goto(`${site}/`)
  await expect(page.locator('.VPHero')).toBeVisible()
  // Kept in test-results/docs/ as well as attached to the report.
  const path = testInfo.outputPath('home.png')
  await page.screenshot({ path, fullPage: true })
  await testInfo.attach('home page', { path, contentType: 'image/png' })
})

test('the Mermaid diagrams render as SVG, one as a screenshot', async ({ page, site }, testInfo) => {
  await page.goto(`${site}/how-it-works`)
  const diagrams = page.locator('.mermaid')
  await expect(diagrams).toHaveCount(4)
  for (const diagram of await diagrams.all()) {
    const svg = diagram.locator('svg')
    await expect(svg).toBeVisible()
    // A sequence diagram that rendered has its participants' boxes and its messages. Mermaid fills
    // the SVG after inserting it, so on a busy machine the count is polled, not read once.
    await expect.poll(() => svg.locator('rect').count()).toBeGreaterThan(2)
    await expect.poll(() => svg.locator('text').count()).toBeGreaterThan(5)
  }
  const first = diagrams.first()
  await first.scrollIntoViewIfNeeded()
  const path = testInfo.outputPath('mermaid-one-api-request.png')
  await first.screenshot({ path })
  await testInfo.attach('mermaid diagram: one API request', { path, contentType: 'image/png' })
})
