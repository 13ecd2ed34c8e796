// vue-i18n set-up: Indonesian first, English second. The chosen language is kept in localStorage.
import { createI18n } from 'vue-i18n'
import id from '@/locales/id.json'
import en from '@/locales/en.json'
import type { AppLocale } from '@/lib/format'

export const LOCALES: AppLocale[] = ['id', 'en']
export const LOCALE_STORAGE_KEY = 'humas.locale'

export type MessageSchema = typeof id

/** Normalises "id-ID", "en-US", "EN" … to a supported locale, or null. */
export function normaliseLocale(value: string | null | undefined): AppLocale | null {
  if (!value) return null
  const base = value.toLowerCase().split(/[-_]/)[0]
  return (LOCALES as string[]).includes(base) ? (base as AppLocale) : null
}

export function storedLocale(): AppLocale | null {
  try {
    return normaliseLocale(globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY))
  } catch {
    return null
  }
}

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: storedLocale() ?? 'id',
  fallbackLocale: 'id',
  messages: { id, en },
  missingWarn: false,
  fallbackWarn: false,
})
