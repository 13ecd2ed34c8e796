import { describe, expect, it } from 'vitest'
import {
  calendarDateInZone, endOfDayInZone, formatCalendarDate, formatDateTime, formatLongDate, formatNumber,
  formatTime, minutesToWait, startOfDayInZone, zoneAbbr,
} from './format'

const AUG17 = '2024-08-17T03:00:00.000Z'

describe('formatting', () => {
  it('formats numbers in Indonesian and English', () => {
    expect(formatNumber(1234.5, 'id')).toBe('1.234,5')
    expect(formatNumber(1234567.5, 'id')).toBe('1.234.567,5')
    expect(formatNumber(1234.5, 'en')).toBe('1,234.5')
  })

  it('formats a long date in the agency zone', () => {
    expect(formatLongDate(AUG17, 'id')).toBe('Sabtu, 17 Agustus 2024')
    expect(formatLongDate(AUG17, 'en')).toBe('Saturday, 17 August 2024')
    // 20:00 UTC on the 16th is already the 17th in Jayapura (UTC+9) but not in Jakarta (UTC+7).
    expect(formatLongDate('2024-08-16T16:30:00.000Z', 'id', 'Asia/Jayapura')).toBe('Sabtu, 17 Agustus 2024')
    expect(formatLongDate('2024-08-16T16:30:00.000Z', 'id', 'Asia/Jakarta')).toBe('Jumat, 16 Agustus 2024')
  })

  it('shows times with WIB/WITA/WIT', () => {
    expect(formatDateTime(AUG17, 'id')).toBe('17 Agu 2024, 10.00 WIB')
    expect(formatDateTime(AUG17, 'id', 'Asia/Makassar')).toBe('17 Agu 2024, 11.00 WITA')
    expect(formatDateTime(AUG17, 'id', 'Asia/Jayapura')).toBe('17 Agu 2024, 12.00 WIT')
    expect(formatTime(AUG17, 'id')).toBe('10.00')
    expect(formatTime(AUG17, 'en')).toBe('10:00')
    expect(zoneAbbr('Europe/Berlin')).toBe('WIB')
    expect(zoneAbbr(undefined)).toBe('WIB')
  })

  it('keeps calendar dates as they are', () => {
    expect(formatCalendarDate('2024-08-17', 'id')).toBe('17 Agustus 2024')
    expect(formatCalendarDate('not a date', 'id')).toBe('not a date')
  })

  it('converts calendar days to instants in the zone', () => {
    expect(startOfDayInZone('2024-08-17', 'Asia/Jakarta')).toBe('2024-08-16T17:00:00.000Z')
    expect(startOfDayInZone('2024-08-17', 'Asia/Jayapura')).toBe('2024-08-16T15:00:00.000Z')
    expect(endOfDayInZone('2024-08-17', 'Asia/Jakarta')).toBe('2024-08-17T17:00:00.000Z')
    expect(calendarDateInZone('2024-08-16T17:00:00.000Z', 'Asia/Jakarta')).toBe('2024-08-17')
    expect(calendarDateInZone('2024-08-16T16:59:00.000Z', 'Asia/Jakarta')).toBe('2024-08-16')
    expect(startOfDayInZone('', 'Asia/Jakarta')).toBe('')
  })

  it('rounds waits up to whole minutes', () => {
    expect(minutesToWait(0)).toBe(1)
    expect(minutesToWait(61)).toBe(2)
    expect(minutesToWait(900)).toBe(15)
  })
})
