// The region's inbox settings as a form: the disposition deadline (calendar or working hours),
// office hours per weekday, reminders before the deadline and reply approval. Pure, so the rules
// the server checks (PUT /inbox/settings) are caught before sending and unit-tested.
import { WEEKDAYS, type InboxSettings, type Weekday } from './deadline'

export interface DayForm {
  open: boolean
  from: string
  to: string
}

export interface ReminderForm {
  hours: number
  minutes: number
}

export interface SettingsForm {
  mode: 'calendar' | 'working'
  hours: number
  reminders: ReminderForm[]
  requireApproval: boolean
  days: Record<Weekday, DayForm>
}

export type SettingsProblem =
  | { field: 'hours'; reason: 'hours' }
  | { field: 'reminders'; reason: 'reminder' | 'too_many' | 'duplicate' | 'after_deadline'; index?: number }
  | { field: 'schedule'; reason: 'order' | 'time' | 'no_day'; day?: Weekday }

export const MAX_REMINDERS = 5
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/

export function toForm(s: InboxSettings): SettingsForm {
  const days = {} as Record<Weekday, DayForm>
  for (const d of WEEKDAYS) {
    const span = s.schedule[d]
    days[d] = span ? { open: true, from: span[0], to: span[1] } : { open: false, from: '07:30', to: '16:00' }
  }
  return {
    mode: s.mode,
    hours: s.hours,
    reminders: s.reminder_minutes.map((m) => ({ hours: Math.floor(m / 60), minutes: m % 60 })),
    requireApproval: s.require_reply_approval,
    days,
  }
}

/** The PUT body for `region`, or the first problem. Reminders are sent latest-first (largest lead). */
export function fromForm(region: number, f: SettingsForm): { body: Omit<InboxSettings, 'updated_at'> } | { problem: SettingsProblem } {
  const hours = Number(f.hours)
  if (!Number.isInteger(hours) || hours < 1 || hours > 720) return { problem: { field: 'hours', reason: 'hours' } }
  if (f.reminders.length > MAX_REMINDERS) return { problem: { field: 'reminders', reason: 'too_many' } }
  const minutes: number[] = []
  for (const [index, r] of f.reminders.entries()) {
    const h = Number(r.hours)
    const m = Number(r.minutes)
    if (!Number.isInteger(h) || !Number.isInteger(m) || h < 0 || m < 0 || m > 59) return { problem: { field: 'reminders', reason: 'reminder', index } }
    const total = h * 60 + m
    if (total < 1 || total > 720 * 60) return { problem: { field: 'reminders', reason: 'reminder', index } }
    if (total >= hours * 60) return { problem: { field: 'reminders', reason: 'after_deadline', index } }
    if (minutes.includes(total)) return { problem: { field: 'reminders', reason: 'duplicate', index } }
    minutes.push(total)
  }
  const schedule = {} as Record<Weekday, [string, string] | null>
  for (const d of WEEKDAYS) {
    const day = f.days[d]
    if (!day.open) {
      schedule[d] = null
      continue
    }
    if (!TIME.test(day.from) || !TIME.test(day.to)) return { problem: { field: 'schedule', reason: 'time', day: d } }
    if (day.from >= day.to) return { problem: { field: 'schedule', reason: 'order', day: d } }
    schedule[d] = [day.from, day.to]
  }
  if (WEEKDAYS.every((d) => schedule[d] === null)) return { problem: { field: 'schedule', reason: 'no_day' } }
  return {
    body: {
      region_id: region,
      mode: f.mode,
      hours,
      reminder_minutes: minutes.sort((a, b) => b - a),
      require_reply_approval: f.requireApproval,
      schedule,
    },
  }
}

/** Weekly office hours in minutes (to show how long a working-hours deadline really is). */
export function weeklyMinutes(f: SettingsForm): number {
  let total = 0
  for (const d of WEEKDAYS) {
    const day = f.days[d]
    if (!day.open || !TIME.test(day.from) || !TIME.test(day.to)) continue
    const [fh, fm] = day.from.split(':').map(Number)
    const [th, tm] = day.to.split(':').map(Number)
    total += Math.max(0, th * 60 + tm - (fh * 60 + fm))
  }
  return total
}
