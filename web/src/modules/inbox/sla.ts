// SLA badges and countdowns from the server's SlaStatus. The server decides the status; between two
// fetches the client only lets calendar-hour clocks run on (a working-hour clock stops outside office
// hours and on holidays, which only the server's calendar knows, so it shows the server's figure).
import type { SlaStatus, SlaStatusCode } from './types'

export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info'

export interface SlaView {
  status: SlaStatusCode
  tone: Tone
  /** Time left in ms (negative when overdue); null once answered. */
  remainingMs: number | null
}

const TONES: Record<SlaStatusCode, Tone> = {
  on_track: 'info',
  due_soon: 'warning',
  overdue: 'danger',
  answered_on_time: 'success',
  answered_late: 'neutral',
}

/**
 * The badge for `sla` at `now`, given it was fetched at `fetchedAt` (both ms since the epoch).
 * Calendar mode counts down to `deadline_at`; working mode keeps `remaining_ms` as the server said.
 */
export function slaView(sla: SlaStatus, now: number, fetchedAt: number = now): SlaView {
  if (sla.status === 'answered_on_time' || sla.status === 'answered_late') {
    return { status: sla.status, tone: TONES[sla.status], remainingMs: null }
  }
  let remaining = sla.remaining_ms
  if (sla.mode === 'calendar') {
    const deadline = Date.parse(sla.deadline_at)
    remaining = Number.isNaN(deadline) ? sla.remaining_ms - (now - fetchedAt) : deadline - now
  }
  let status: SlaStatusCode = sla.status
  if (remaining <= 0) status = 'overdue'
  else if (status === 'overdue') status = 'due_soon' // the server's status is older than our clock
  return { status, tone: TONES[status], remainingMs: remaining }
}

export interface DurationParts {
  days: number
  hours: number
  minutes: number
  negative: boolean
}

/** Splits a duration in ms into whole days, hours and minutes (rounded down, sign kept apart). */
export function durationParts(ms: number): DurationParts {
  const negative = ms < 0
  const totalMinutes = Math.floor(Math.abs(ms) / 60_000)
  return {
    days: Math.floor(totalMinutes / 1440),
    hours: Math.floor((totalMinutes % 1440) / 60),
    minutes: totalMinutes % 60,
    negative,
  }
}

/** "2h 3j", "5j 20m", "12m", "<1m": at most two units, in the language's short unit letters. */
export function formatDuration(ms: number, units: { d: string; h: string; m: string }): string {
  const p = durationParts(ms)
  if (p.days > 0) return p.hours > 0 ? `${p.days}${units.d} ${p.hours}${units.h}` : `${p.days}${units.d}`
  if (p.hours > 0) return p.minutes > 0 ? `${p.hours}${units.h} ${p.minutes}${units.m}` : `${p.hours}${units.h}`
  if (p.minutes > 0) return `${p.minutes}${units.m}`
  return `<1${units.m}`
}
