import { afterEach, describe, expect, it, vi } from 'vitest'
import { WorkerWatch, type WorkerProblem } from './workerWatch.js'

const SCOPE = 'https://app.example/'
const SCRIPT = 'https://app.example/sw.js'

/** A registration and a container over fakes: the test decides what getRegistration() answers. */
function setUp() {
  const registration = Object.assign(new EventTarget(), {
    scope: SCOPE,
    installing: null as { scriptURL: string } | null,
    waiting: null,
    active: { scriptURL: SCRIPT },
  })
  const container = Object.assign(new EventTarget(), {
    controller: { scriptURL: SCRIPT },
    getRegistration: vi.fn((): Promise<unknown> => Promise.resolve(registration)),
  })
  const told: WorkerProblem[] = []
  const watch = new WorkerWatch(
    container as unknown as ServiceWorkerContainer,
    registration as unknown as ServiceWorkerRegistration,
    SCRIPT,
    (problem) => told.push(problem),
  )
  vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible' }))
  watch.start()
  return { watch, told, registration, container }
}

describe('WorkerWatch: a worker the page can trust', () => {
  afterEach(() => vi.unstubAllGlobals())

  it("says nothing while the scope runs this page's script, whatever its query string", async () => {
    const { watch, told, registration } = setUp()
    registration.active = { scriptURL: `${SCRIPT}?v=2` }
    await watch.check()
    expect(told).toEqual([])
    expect(watch.problem).toBeUndefined()
    watch.stop()
  })

  it('tells once that another script is installing into the scope, and status() keeps saying so', async () => {
    const { watch, told, registration } = setUp()
    registration.installing = { scriptURL: 'https://app.example/other.js' }
    registration.dispatchEvent(new Event('updatefound'))
    await watch.check()
    expect(told).toEqual([{ state: 'replaced', scriptURL: 'https://app.example/other.js' }])
    expect(watch.problem).toEqual({ state: 'replaced', scriptURL: 'https://app.example/other.js' })
    watch.stop()
  })

  it('tells once that the controller is another script', () => {
    const { watch, told, container } = setUp()
    container.controller = { scriptURL: 'https://app.example/other.js' }
    container.dispatchEvent(new Event('controllerchange'))
    container.dispatchEvent(new Event('controllerchange'))
    expect(told).toEqual([{ state: 'replaced', scriptURL: 'https://app.example/other.js' }])
    watch.stop()
  })

  it('tells once that the worker is lost, however many times it is found so', async () => {
    const { watch, told, container } = setUp()
    container.getRegistration.mockResolvedValue(undefined)
    await watch.check()
    await watch.check()
    watch.noteUnanswered()
    watch.noteUnanswered()
    expect(told).toEqual([{ state: 'lost', reason: 'unregistered' }])
    expect(watch.problem).toEqual({ state: 'lost', reason: 'unresponsive' })
    watch.stop()
  })
})
