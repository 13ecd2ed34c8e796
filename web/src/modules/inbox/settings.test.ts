import { describe, expect, it } from 'vitest'
import type { InboxSettings } from './deadline'
import { fromForm, toForm, weeklyMinutes } from './settings'

const stored: InboxSettings = {
  region_id: 1,
  mode: 'working',
  hours: 24,
  reminder_minutes: [240, 60],
  require_reply_approval: false,
  schedule: {
    mon: ['07:30', '16:00'], tue: ['07:30', '16:00'], wed: ['07:30', '16:00'], thu: ['07:30', '16:00'], fri: ['07:30', '16:30'],
    sat: null, sun: null,
  },
  updated_at: '2026-11-23T00:00:00.000Z',
}

describe('inbox settings form', () => {
  it('round-trips the stored settings', () => {
    const f = toForm(stored)
    expect(f.reminders).toEqual([{ hours: 4, minutes: 0 }, { hours: 1, minutes: 0 }])
    expect(f.days.sat.open).toBe(false)
    const { updated_at: _, ...body } = stored
    expect(fromForm(1, f)).toEqual({ body })
  })

  it('sends reminders largest lead first and closed days as null', () => {
    const f = toForm(stored)
    f.reminders = [{ hours: 0, minutes: 30 }, { hours: 2, minutes: 15 }]
    f.days.fri.open = false
    f.days.sat = { open: true, from: '08:00', to: '12:00' }
    const r = fromForm(1, f)
    expect('body' in r && r.body.reminder_minutes).toEqual([135, 30])
    expect('body' in r && r.body.schedule.fri).toBeNull()
    expect('body' in r && r.body.schedule.sat).toEqual(['08:00', '12:00'])
  })

  it('refuses what the server would refuse', () => {
    const bad = (change: (f: ReturnType<typeof toForm>) => void) => {
      const f = toForm(stored)
      change(f)
      const r = fromForm(1, f)
      return 'problem' in r ? r.problem : null
    }
    expect(bad((f) => (f.hours = 0))).toEqual({ field: 'hours', reason: 'hours' })
    expect(bad((f) => (f.hours = 721))).toEqual({ field: 'hours', reason: 'hours' })
    expect(bad((f) => (f.reminders = [{ hours: 0, minutes: 0 }]))).toEqual({ field: 'reminders', reason: 'reminder', index: 0 })
    expect(bad((f) => (f.reminders = [{ hours: 30, minutes: 0 }]))).toEqual({ field: 'reminders', reason: 'after_deadline', index: 0 })
    expect(bad((f) => (f.reminders = [{ hours: 1, minutes: 0 }, { hours: 0, minutes: 60 }]))).toEqual({ field: 'reminders', reason: 'reminder', index: 1 })
    expect(bad((f) => (f.reminders = [{ hours: 1, minutes: 0 }, { hours: 1, minutes: 0 }]))).toEqual({ field: 'reminders', reason: 'duplicate', index: 1 })
    expect(bad((f) => (f.reminders = Array.from({ length: 6 }, (_, i) => ({ hours: i + 1, minutes: 0 }))))).toEqual({ field: 'reminders', reason: 'too_many' })
    expect(bad((f) => (f.days.mon = { open: true, from: '16:00', to: '07:30' }))).toEqual({ field: 'schedule', reason: 'order', day: 'mon' })
    expect(bad((f) => (f.days.tue = { open: true, from: '7:30', to: '16:00' }))).toEqual({ field: 'schedule', reason: 'time', day: 'tue' })
    expect(bad((f) => { for (const d of Object.values(f.days)) d.open = false })).toEqual({ field: 'schedule', reason: 'no_day' })
  })

  it('counts weekly office hours', () => {
    expect(weeklyMinutes(toForm(stored))).toBe(4 * 510 + 540)
  })
})
