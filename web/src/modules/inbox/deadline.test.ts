import { describe, expect, it } from 'vitest'
import { estimateDeadline, type InboxSettings } from './deadline'

const office: InboxSettings['schedule'] = {
  mon: ['07:30', '16:00'], tue: ['07:30', '16:00'], wed: ['07:30', '16:00'], thu: ['07:30', '16:00'],
  fri: ['07:30', '16:30'], sat: null, sun: null,
}
const utc = (iso: string) => Date.parse(iso)
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

describe('estimateDeadline', () => {
  it('adds calendar hours as they are', () => {
    expect(iso(estimateDeadline(utc('2026-11-23T02:00:00.000Z'), { mode: 'calendar', hours: 24, schedule: office }, 'Asia/Makassar')))
      .toBe('2026-11-24T02:00:00.000Z')
  })

  it('counts only office hours in working mode, in the agency\'s zone', () => {
    // Monday 10:00 WITA (02:00Z) + 8 working hours: 6h left Monday (to 16:00), 2h Tuesday → 09:30 WITA.
    expect(iso(estimateDeadline(utc('2026-11-23T02:00:00.000Z'), { mode: 'working', hours: 8, schedule: office }, 'Asia/Makassar')))
      .toBe('2026-11-24T01:30:00.000Z')
    // The same instant in WIB is 09:00 Monday: 7h Monday, 1h Tuesday → 08:30 WIB (01:30Z).
    expect(iso(estimateDeadline(utc('2026-11-23T02:00:00.000Z'), { mode: 'working', hours: 8, schedule: office }, 'Asia/Jakarta')))
      .toBe('2026-11-24T01:30:00.000Z')
  })

  it('skips the weekend and starts after hours at the next opening', () => {
    // Friday 17:00 WITA: closed; Monday 07:30 + 2h → 09:30 WITA Monday.
    expect(iso(estimateDeadline(utc('2026-11-27T09:00:00.000Z'), { mode: 'working', hours: 2, schedule: office }, 'Asia/Makassar')))
      .toBe('2026-11-30T01:30:00.000Z')
  })

  it('skips holidays and cuti bersama', () => {
    // Christmas 2026 is a Friday; 24 Dec (Thursday) cuti bersama: Wednesday 15:00 WITA + 2h → Monday 28 Dec 08:30.
    const closed = new Set(['2026-12-24', '2026-12-25'])
    expect(iso(estimateDeadline(utc('2026-12-23T07:00:00.000Z'), { mode: 'working', hours: 2, schedule: office }, 'Asia/Makassar', closed)))
      .toBe('2026-12-28T00:30:00.000Z')
  })

  it('ends at closing time when the hours are used up exactly', () => {
    // Monday 07:30 WITA + 8.5h = 16:00 WITA the same day.
    expect(iso(estimateDeadline(utc('2026-11-22T23:30:00.000Z'), { mode: 'working', hours: 8.5, schedule: office }, 'Asia/Makassar')))
      .toBe('2026-11-23T08:00:00.000Z')
  })

  it('gives up on a schedule without office hours', () => {
    const closedAll = { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null }
    expect(estimateDeadline(0, { mode: 'working', hours: 1, schedule: closedAll }, 'Asia/Jayapura')).toBeNull()
  })
})
