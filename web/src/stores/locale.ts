// The interface language: Indonesian by default, persisted, mirrored to <html lang> and vue-i18n.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { i18n, LOCALE_STORAGE_KEY, normaliseLocale, storedLocale } from '@/i18n'
import type { AppLocale } from '@/lib/format'

export const useLocaleStore = defineStore('locale', () => {
  const locale = ref<AppLocale>(storedLocale() ?? 'id')
  /** Whether the user chose a language explicitly (then the account's locale does not override it). */
  const chosen = ref(storedLocale() !== null)

  function apply(value: AppLocale) {
    locale.value = value
    i18n.global.locale.value = value
    if (typeof document !== 'undefined') document.documentElement.lang = value === 'id' ? 'id' : 'en'
  }

  function set(value: string) {
    const normal = normaliseLocale(value)
    if (!normal) return
    apply(normal)
    chosen.value = true
    try {
      globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, normal)
    } catch {
      // Private mode or storage disabled: the choice lasts for this page only.
    }
  }

  /** Uses the account's preferred locale when the user has not chosen one on this device. */
  function adoptAccountLocale(value: string | null | undefined) {
    if (chosen.value) return
    const normal = normaliseLocale(value)
    if (normal) apply(normal)
  }

  apply(locale.value)
  return { locale, chosen, set, adoptAccountLocale }
})
