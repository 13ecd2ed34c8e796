import { describe, expect, it } from 'vitest'
import type { Mention } from '@/api/types'
import { LiveStream, backoff, pushCapped, replaceIn, type EventSourceLike, type LiveState } from './live'

class FakeSource implements EventSourceLike {
  readyState = 0
  onopen: ((event: Event) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  closed = false
  listeners: Record<string, (event: MessageEvent) => void> = {}
  addEventListener(type: string, listener: (event: MessageEvent) => void) { this.listeners[type] = listener }
  close() { this.closed = true; this.readyState = 2 }
  emit(type: string, data: string) { this.listeners[type]?.({ data } as MessageEvent) }
}

const m = (id: number) => ({ id }) as Mention

describe('live stream', () => {
  it('keeps newest first, unique and capped', () => {
    let list: Mention[] = []
    for (let i = 1; i <= 5; i++) list = pushCapped(list, m(i), 3)
    expect(list.map((x) => x.id)).toEqual([5, 4, 3])
    list = pushCapped(list, m(4), 3)
    expect(list.map((x) => x.id)).toEqual([4, 5, 3])
  })

  it('replaces an edited mention where it stands, and only if listed', () => {
    const list = [m(3), m(2), m(1)]
    const edited = { id: 2, text: 'baru' } as Mention
    expect(replaceIn(list, edited)).toEqual([m(3), edited, m(1)])
    expect(replaceIn(list, { id: 9 } as Mention)).toBe(list)
  })

  it('delivers edits apart from new mentions', () => {
    const sources: FakeSource[] = []
    const fresh: number[] = []
    const edited: string[] = []
    const stream = new LiveStream({
      url: '/api/v1/events',
      createSource: () => { const s = new FakeSource(); sources.push(s); return s },
      onMention: (x) => fresh.push(x.id),
      onEdited: (x) => edited.push(`${x.id}:${x.text}`),
    })
    stream.start()
    sources[0].emit('mention.edited', JSON.stringify({ id: 7, text: 'diperbaiki' }))
    sources[0].emit('mention.edited', '{broken')
    sources[0].emit('mention', JSON.stringify({ id: 8 }))
    expect(edited).toEqual(['7:diperbaiki'])
    expect(fresh).toEqual([8])
    stream.stop()
  })

  it('backs off up to 30 s', () => {
    expect([0, 1, 2, 10].map(backoff)).toEqual([1000, 2000, 4000, 30000])
  })

  it('reports state, delivers mentions and reconnects after the browser gives up', () => {
    const sources: FakeSource[] = []
    const timers: { fn: () => void; ms: number }[] = []
    const states: LiveState[] = []
    const got: number[] = []
    const retries: number[] = []
    const stream = new LiveStream({
      url: '/api/v1/events',
      createSource: () => { const s = new FakeSource(); sources.push(s); return s },
      setTimer: (fn, ms) => { timers.push({ fn, ms }); return timers.length },
      clearTimer: () => {},
      onState: (s) => states.push(s),
      onMention: (x) => got.push(x.id),
      onRetry: (n) => retries.push(n),
    })
    stream.start()
    expect(stream.state).toBe('connecting')
    sources[0].readyState = 1
    sources[0].onopen?.(new Event('open'))
    expect(stream.state).toBe('open')
    sources[0].emit('mention', JSON.stringify({ id: 7 }))
    sources[0].emit('mention', 'not json')
    expect(got).toEqual([7])

    // Transient error: the browser retries by itself.
    sources[0].readyState = 0
    sources[0].onerror?.(new Event('error'))
    expect(stream.state).toBe('reconnecting')
    expect(timers).toHaveLength(0)

    // Fatal error: we retry after a back-off.
    sources[0].readyState = 2
    sources[0].onerror?.(new Event('error'))
    expect(timers).toEqual([{ fn: expect.any(Function), ms: 1000 }])
    expect(retries).toEqual([1])
    timers[0].fn()
    expect(sources).toHaveLength(2)
    sources[1].onopen?.(new Event('open'))
    expect(stream.state).toBe('open')

    stream.stop()
    expect(sources[1].closed).toBe(true)
    expect(stream.state).toBe('closed')
    expect(states[0]).toBe('connecting')
  })

  it('delivers other named events (case changes) with parsed data', () => {
    const sources: FakeSource[] = []
    const cases: unknown[] = []
    const stream = new LiveStream({
      url: '/api/v1/events',
      createSource: () => { const s = new FakeSource(); sources.push(s); return s },
      on: { case: (data) => cases.push(data) },
    })
    stream.start()
    sources[0].emit('case', JSON.stringify({ id: 3, state: 'dibuka' }))
    sources[0].emit('case', '{broken')
    expect(cases).toEqual([{ id: 3, state: 'dibuka' }])
    stream.stop()
  })
})
