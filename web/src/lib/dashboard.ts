// Live updates of dashboard counters: a mention from the event stream is counted into the figures
// the dashboard shows, if it falls inside the selection (whole scope or one agency and its units).
import type { Dashboard, Mention } from '@/api/types'

const HOUR = 3600_000

/** Start of the UTC hour containing `iso`, as RFC 3339 with ms. */
export function hourBucket(iso: string): string {
  const t = new Date(iso).getTime()
  return new Date(Math.floor(t / HOUR) * HOUR).toISOString()
}

export function emptyDashboard(): Dashboard {
  return {
    total: 0,
    by_platform: {},
    by_sentiment: { positive: 0, neutral: 0, negative: 0, unlabelled: 0 },
    series: [],
    agencies: [],
  }
}

/**
 * Returns a copy of `dashboard` with `mention` counted. `inSelection` tells whether the mention's
 * agency belongs to the selected agency (true for the whole scope). Mentions older than the window
 * (`hours` before `now`) are not counted.
 */
export function applyMention(
  dashboard: Dashboard,
  mention: Mention,
  inSelection: boolean,
  hours: number,
  now: number = Date.now(),
): Dashboard {
  if (!inSelection) return dashboard
  const created = new Date(mention.created_at).getTime()
  if (Number.isNaN(created) || created < now - hours * HOUR) return dashboard

  const next: Dashboard = {
    total: dashboard.total + 1,
    by_platform: { ...dashboard.by_platform },
    by_sentiment: { ...dashboard.by_sentiment },
    series: dashboard.series.map((point) => ({ ...point })),
    agencies: dashboard.agencies.map((row) => ({ ...row })),
  }
  next.by_platform[mention.platform] = (next.by_platform[mention.platform] ?? 0) + 1
  const sentiment = mention.labels?.sentiment || 'unlabelled'
  next.by_sentiment[sentiment] = (next.by_sentiment[sentiment] ?? 0) + 1

  const bucket = hourBucket(mention.created_at)
  const point = next.series.find((p) => hourBucket(p.hour) === bucket)
  if (point) point.count += 1
  else {
    next.series.push({ hour: bucket, count: 1 })
    next.series.sort((a, b) => a.hour.localeCompare(b.hour))
  }

  if (mention.agency_id !== null && mention.agency_id !== undefined) {
    const row = next.agencies.find((r) => r.agency_id === mention.agency_id)
    if (row) row.count += 1
    else next.agencies.push({ agency_id: mention.agency_id, name: mention.agency_name, count: 1 })
    next.agencies.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
  }
  return next
}

export interface Coalesced {
  /** Asks for a run: it happens `ms` after the last ask (several asks in a row make one run). */
  (): void
  /** Drops a run not yet made. */
  cancel(): void
}

/**
 * Coalesces asks into one call of `fn` `ms` after the last one: several `mention.edited` events in
 * a row make the dashboard read its counters once. Timers are injectable for tests.
 */
export function coalesce(
  fn: () => void,
  ms: number,
  timers: { set: (f: () => void, ms: number) => unknown; clear: (h: unknown) => void } = {
    set: (f, t) => setTimeout(f, t),
    clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  },
): Coalesced {
  let handle: unknown = null
  const cancel = () => {
    if (handle !== null) timers.clear(handle)
    handle = null
  }
  const ask = (() => {
    cancel()
    handle = timers.set(() => {
      handle = null
      fn()
    }, ms)
  }) as Coalesced
  ask.cancel = cancel
  return ask
}

/** Fills hours without mentions with zero so the chart has one bar per hour of the window. */
export function denseSeries(series: Dashboard['series'], hours: number, now: number = Date.now()): Dashboard['series'] {
  const counts = new Map(series.map((p) => [hourBucket(p.hour), p.count]))
  const last = Math.floor(now / HOUR) * HOUR
  const out: Dashboard['series'] = []
  for (let i = hours - 1; i >= 0; i--) {
    const hour = new Date(last - i * HOUR).toISOString()
    out.push({ hour, count: counts.get(hour) ?? 0 })
  }
  return out
}
