// An estimate of a disposition's deadline before it is sent, from the receiving region's inbox
// settings (calendar or working hours, office schedule) and the holiday calendar, in the receiving
// agency's zone. The server computes the real deadline; the dialog shows this as "about".
import type { TimeZoneId } from '@/api/types'

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
export const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

export interface InboxSettings {
  region_id: number
  mode: 'calendar' | 'working'
  hours: number
  reminder_minutes: number[]
  require_reply_approval: boolean
  schedule: Record<Weekday, [string, string] | null>
  updated_at?: string
}

const OFFSETS: Record<TimeZoneId, number> = { 'Asia/Jakarta': 7, 'Asia/Makassar': 8, 'Asia/Jayapura': 9 }

function minutesOf(hhmm: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm)
  return m ? Number(m[1]) * 60 + Number(m[2]) : null
}

/**
 * The deadline (ms since the epoch) `hours` after `start`: every hour in calendar mode; in working
 * mode only office hours of open weekdays that are not in `closedDays` ("YYYY-MM-DD", local dates).
 * A start outside office hours counts from the next opening; using up a day's hours exactly ends at
 * that day's closing time. Null when the schedule has no office hours at all.
 */
export function estimateDeadline(start: number, settings: Pick<InboxSettings, 'mode' | 'hours' | 'schedule'>, zone: TimeZoneId, closedDays: Set<string> = new Set()): number | null {
  const total = settings.hours * 60 // minutes
  if (settings.mode === 'calendar') return start + total * 60_000
  const offset = OFFSETS[zone] * 3600_000
  let left = total
  const local = start + offset
  let dayStart = Math.floor(local / 86400_000) * 86400_000 // local midnight, as if UTC
  let from = Math.floor((local - dayStart) / 60_000) // minutes after local midnight
  const fromSeconds = local - dayStart - from * 60_000 // keep sub-minute precision of the start
  for (let guard = 0; guard < 3660; guard++) {
    const date = new Date(dayStart)
    const weekday = WEEKDAYS[(date.getUTCDay() + 6) % 7]
    const window = settings.schedule[weekday]
    const iso = date.toISOString().slice(0, 10)
    if (window && !closedDays.has(iso)) {
      const open = minutesOf(window[0])
      const close = minutesOf(window[1])
      if (open !== null && close !== null && close > open) {
        const begin = Math.max(from, open)
        const extra = from > open && from < close ? fromSeconds : 0
        if (begin < close) {
          const available = close - begin
          if (left <= available) return dayStart + (begin + left) * 60_000 + extra - offset
          left -= available
        }
      }
    }
    dayStart += 86400_000
    from = 0
  }
  return null
}
