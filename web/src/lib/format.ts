// Date, time and number formatting with Intl, in the user's language and the agency's time zone.
// Indonesia has no daylight saving time, so each zone is a fixed offset from UTC.
import type { TimeZoneId } from '@/api/types'

export type AppLocale = 'id' | 'en'

export const DEFAULT_TIME_ZONE: TimeZoneId = 'Asia/Jakarta'

const ZONES: Record<TimeZoneId, { abbr: string; offsetHours: number }> = {
  'Asia/Jakarta': { abbr: 'WIB', offsetHours: 7 },
  'Asia/Makassar': { abbr: 'WITA', offsetHours: 8 },
  'Asia/Jayapura': { abbr: 'WIT', offsetHours: 9 },
}

/** BCP 47 tag for Intl from the app locale. */
export function intlLocale(locale: AppLocale): string {
  return locale === 'en' ? 'en-GB' : 'id-ID'
}

export function isTimeZone(value: string | null | undefined): value is TimeZoneId {
  return !!value && value in ZONES
}

export function zoneOrDefault(zone: string | null | undefined): TimeZoneId {
  return isTimeZone(zone) ? zone : DEFAULT_TIME_ZONE
}

/** WIB, WITA or WIT. */
export function zoneAbbr(zone: string | null | undefined): string {
  return ZONES[zoneOrDefault(zone)].abbr
}

function toDate(value: string | number | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value)
  return Number.isNaN(date.getTime()) ? null : date
}

/** "1.234,5" (id) / "1,234.5" (en). */
export function formatNumber(value: number, locale: AppLocale, maximumFractionDigits = 1): string {
  return new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits }).format(value)
}

/** "12%" style percentage of a fraction 0..1. */
export function formatPercent(fraction: number, locale: AppLocale): string {
  return new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 0 }).format(fraction)
}

/** "Sabtu, 17 Agustus 2024" for an instant in the zone. */
export function formatLongDate(value: string | Date, locale: AppLocale, zone?: string | null): string {
  const date = toDate(value)
  if (!date) return ''
  return new Intl.DateTimeFormat(intlLocale(locale), {
    weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: zoneOrDefault(zone),
  }).format(date)
}

/** "17 Agu 2024, 10.00 WIB": an instant in the zone with the zone's abbreviation. */
export function formatDateTime(value: string | Date, locale: AppLocale, zone?: string | null): string {
  const date = toDate(value)
  if (!date) return ''
  const text = new Intl.DateTimeFormat(intlLocale(locale), {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23', timeZone: zoneOrDefault(zone),
  }).format(date)
  return `${text} ${zoneAbbr(zone)}`
}

/** "10.00" (id) / "10:00" (en) in the zone, without the abbreviation. */
export function formatTime(value: string | Date, locale: AppLocale, zone?: string | null): string {
  const date = toDate(value)
  if (!date) return ''
  return new Intl.DateTimeFormat(intlLocale(locale), {
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zoneOrDefault(zone),
  }).format(date)
}

/** A calendar date "YYYY-MM-DD" (decree dates) as "17 Agustus 2024"; no zone shift. */
export function formatCalendarDate(value: string, locale: AppLocale): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return value
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return new Intl.DateTimeFormat(intlLocale(locale), {
    day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
  }).format(date)
}

/** "YYYY-MM-DD" of an instant as seen in the zone (for date inputs). */
export function calendarDateInZone(value: string | Date, zone?: string | null): string {
  const date = toDate(value)
  if (!date) return ''
  const shifted = new Date(date.getTime() + ZONES[zoneOrDefault(zone)].offsetHours * 3600_000)
  return shifted.toISOString().slice(0, 10)
}

/** The instant (RFC 3339 UTC with ms) at which calendar day `day` ("YYYY-MM-DD") starts in the zone. */
export function startOfDayInZone(day: string, zone?: string | null): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return ''
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  return new Date(utc - ZONES[zoneOrDefault(zone)].offsetHours * 3600_000).toISOString()
}

/** The instant at which the day after `day` starts in the zone (exclusive end of `day`). */
export function endOfDayInZone(day: string, zone?: string | null): string {
  const start = startOfDayInZone(day, zone)
  if (!start) return ''
  return new Date(new Date(start).getTime() + 24 * 3600_000).toISOString()
}

/** Relative time such as "3 menit yang lalu" / "3 minutes ago". */
export function formatRelative(value: string | Date, locale: AppLocale, now: number = Date.now()): string {
  const date = toDate(value)
  if (!date) return ''
  const seconds = Math.round((date.getTime() - now) / 1000)
  const rtf = new Intl.RelativeTimeFormat(intlLocale(locale), { numeric: 'auto' })
  const abs = Math.abs(seconds)
  if (abs < 60) return rtf.format(seconds, 'second')
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute')
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour')
  return rtf.format(Math.round(seconds / 86400), 'day')
}

/** Whole minutes (at least 1) for a wait of `seconds`. */
export function minutesToWait(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60))
}
