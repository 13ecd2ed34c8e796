// Formatting helpers bound to the current language, for templates.
import { computed } from 'vue'
import { useLocaleStore } from '@/stores/locale'
import {
  formatCalendarDate, formatDateTime, formatLongDate, formatNumber, formatPercent, formatRelative, formatTime,
  zoneAbbr, type AppLocale,
} from './format'

export function useFormat() {
  const store = useLocaleStore()
  const locale = computed<AppLocale>(() => store.locale)
  return {
    locale,
    number: (n: number, digits = 1) => formatNumber(n, locale.value, digits),
    percent: (f: number) => formatPercent(f, locale.value),
    dateTime: (v: string, zone?: string | null) => formatDateTime(v, locale.value, zone),
    longDate: (v: string, zone?: string | null) => formatLongDate(v, locale.value, zone),
    time: (v: string, zone?: string | null) => formatTime(v, locale.value, zone),
    calendarDate: (v: string) => formatCalendarDate(v, locale.value),
    relative: (v: string) => formatRelative(v, locale.value),
    zone: zoneAbbr,
  }
}
