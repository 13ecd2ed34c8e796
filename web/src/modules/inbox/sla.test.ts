import { describe, expect, it } from 'vitest'
import { durationParts, formatDuration, slaView } from './sla'
import type { SlaStatus } from './types'

const base: SlaStatus = {
  deadline_at: '2026-11-24T03:00:00.000Z',
  mode: 'calendar',
  hours: 24,
  timezone: 'Asia/Makassar',
  remaining_ms: 5 * 3600_000,
  status: 'on_track',
}
const at = (iso: string) => Date.parse(iso)
const units = { d: 'h', h: 'j', m: 'm' }

describe('slaView', () => {
  it('counts a calendar clock down to the deadline', () => {
    const v = slaView(base, at('2026-11-23T22:00:00.000Z'))
    expect(v).toEqual({ status: 'on_track', tone: 'info', remainingMs: 5 * 3600_000 })
    expect(slaView(base, at('2026-11-24T02:30:00.000Z')).remainingMs).toBe(30 * 60_000)
  })

  it('turns overdue once the deadline passes, even before the server says so', () => {
    const v = slaView({ ...base, status: 'due_soon' }, at('2026-11-24T03:00:01.000Z'))
    expect(v.status).toBe('overdue')
    expect(v.tone).toBe('danger')
    expect(v.remainingMs).toBe(-1000)
  })

  it('keeps due_soon from the server (the reminder point is the server\'s to know)', () => {
    expect(slaView({ ...base, status: 'due_soon' }, at('2026-11-24T01:00:00.000Z')).tone).toBe('warning')
  })

  it('does not let a working-hours clock run (it stops outside office hours)', () => {
    const working: SlaStatus = { ...base, mode: 'working', remaining_ms: 2 * 3600_000 }
    const fetched = at('2026-11-23T10:00:00.000Z')
    const v = slaView(working, fetched + 3 * 3600_000, fetched)
    expect(v.remainingMs).toBe(2 * 3600_000)
    expect(v.status).toBe('on_track')
  })

  it('shows an overdue working-hours clock as overdue with its negative time', () => {
    const v = slaView({ ...base, mode: 'working', remaining_ms: -600_000, status: 'overdue' }, Date.now())
    expect(v).toEqual({ status: 'overdue', tone: 'danger', remainingMs: -600_000 })
  })

  it('has no countdown once answered', () => {
    expect(slaView({ ...base, status: 'answered_on_time' }, at('2026-11-25T00:00:00.000Z'))).toEqual({
      status: 'answered_on_time', tone: 'success', remainingMs: null,
    })
    expect(slaView({ ...base, status: 'answered_late', remaining_ms: -5 }, 0).status).toBe('answered_late')
  })

  it('falls back to the fetched remainder when the deadline is unreadable', () => {
    const v = slaView({ ...base, deadline_at: 'garbage' }, 1_000_000 + 60_000, 1_000_000)
    expect(v.remainingMs).toBe(5 * 3600_000 - 60_000)
  })
})

describe('durations', () => {
  it('splits into days, hours and minutes', () => {
    expect(durationParts(26 * 3600_000 + 5 * 60_000 + 59_000)).toEqual({ days: 1, hours: 2, minutes: 5, negative: false })
    expect(durationParts(-90 * 60_000)).toEqual({ days: 0, hours: 1, minutes: 30, negative: true })
  })

  it('formats with at most two units', () => {
    expect(formatDuration(26 * 3600_000 + 5 * 60_000, units)).toBe('1h 2j')
    expect(formatDuration(48 * 3600_000, units)).toBe('2h')
    expect(formatDuration(5 * 3600_000 + 20 * 60_000, units)).toBe('5j 20m')
    expect(formatDuration(3 * 3600_000, units)).toBe('3j')
    expect(formatDuration(12 * 60_000, units)).toBe('12m')
    expect(formatDuration(30_000, units)).toBe('<1m')
    expect(formatDuration(-2 * 3600_000, units)).toBe('2j')
  })
})
