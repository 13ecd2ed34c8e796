// The live mention stream: an EventSource on /api/v1/events with its connection state, a capped
// newest-first list, and reconnection with back-off when the browser gives up (e.g. after a 401 or a
// server restart; EventSource itself only retries while the response was a valid stream).
import type { Mention } from '@/api/types'

export type LiveState = 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface EventSourceLike {
  readyState: number
  onopen: ((event: Event) => void) | null
  onerror: ((event: Event) => void) | null
  addEventListener(type: string, listener: (event: MessageEvent) => void): void
  close(): void
}

export interface LiveStreamOptions {
  url: string
  cap?: number
  onMention?: (mention: Mention) => void
  /** A stored mention whose author edited it (`mention.edited`): the mention as it is now. */
  onEdited?: (mention: Mention) => void
  /** Other named events (e.g. `case`), with their JSON data parsed; unparsable data is dropped. */
  on?: Record<string, (data: unknown) => void>
  onState?: (state: LiveState) => void
  /** Called when the browser gave up and a reconnect is scheduled (e.g. to check the session). */
  onRetry?: (attempt: number) => void
  /** Injected in tests. */
  createSource?: (url: string) => EventSourceLike
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

const CLOSED = 2

/** Prepends `mention` to `list` (newest first), dropping duplicates by id and keeping at most `cap`. */
export function pushCapped(list: Mention[], mention: Mention, cap: number): Mention[] {
  const rest = list.filter((m) => m.id !== mention.id)
  return [mention, ...rest].slice(0, cap)
}

/** Replaces the mention with `mention.id` in `list` where it stands (an edit); unchanged if absent. */
export function replaceIn(list: Mention[], mention: Mention): Mention[] {
  return list.some((m) => m.id === mention.id) ? list.map((m) => (m.id === mention.id ? mention : m)) : list
}

/** Back-off delay in ms for the n-th consecutive failure (1 s doubling, at most 30 s). */
export function backoff(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt))
}

export class LiveStream {
  private source: EventSourceLike | null = null
  private timer: unknown = null
  private attempts = 0
  private stopped = true
  state: LiveState = 'closed'

  constructor(private readonly options: LiveStreamOptions) {}

  start(): void {
    this.stopped = false
    this.connect()
  }

  stop(): void {
    this.stopped = true
    this.clearRetry()
    this.source?.close()
    this.source = null
    this.setState('closed')
  }

  private connect(): void {
    this.setState(this.attempts === 0 ? 'connecting' : 'reconnecting')
    const create = this.options.createSource ?? ((url: string) => new EventSource(url, { withCredentials: true }))
    const source = create(this.options.url)
    this.source = source
    source.onopen = () => {
      this.attempts = 0
      this.setState('open')
    }
    source.onerror = () => {
      if (this.stopped || this.source !== source) return
      if (source.readyState === CLOSED) {
        // The browser will not retry: do it ourselves after a pause.
        source.close()
        this.scheduleRetry()
      } else {
        this.setState('reconnecting')
      }
    }
    const mentions = (name: string, deliver: ((mention: Mention) => void) | undefined) => {
      source.addEventListener(name, (event: MessageEvent) => {
        let mention: Mention
        try {
          mention = JSON.parse(String(event.data)) as Mention
        } catch {
          return
        }
        if (mention && typeof mention.id === 'number') deliver?.(mention)
      })
    }
    mentions('mention', this.options.onMention)
    mentions('mention.edited', this.options.onEdited)
    for (const [name, handler] of Object.entries(this.options.on ?? {})) {
      source.addEventListener(name, (event: MessageEvent) => {
        let data: unknown
        try {
          data = JSON.parse(String(event.data))
        } catch {
          return
        }
        handler(data)
      })
    }
  }

  private scheduleRetry(): void {
    this.clearRetry()
    this.setState('reconnecting')
    const delay = backoff(this.attempts)
    this.attempts += 1
    this.options.onRetry?.(this.attempts)
    const set = this.options.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
    this.timer = set(() => {
      this.timer = null
      if (!this.stopped) this.connect()
    }, delay)
  }

  private clearRetry(): void {
    if (this.timer !== null) {
      const clear = this.options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>))
      clear(this.timer)
      this.timer = null
    }
  }

  private setState(state: LiveState): void {
    this.state = state
    this.options.onState?.(state)
  }
}
