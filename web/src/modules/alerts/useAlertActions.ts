// The officers' handling of an alert, shared by the list and the detail page: "Tindak lanjuti"
// (acknowledge) and "Tutup" (close with a note in a dialog). A refusal because someone else acted
// first (409) is said in a toast and the page reloads what it shows.
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorText } from '@/lib/errors'
import { useToastStore } from '@/stores/toast'
import { alertsApi } from './api'
import type { Alert } from './model'

export function useAlertActions(changed: (a: Alert) => void, reload: () => Promise<void>) {
  const { t } = useI18n()
  const toasts = useToastStore()
  const busyId = ref<number | null>(null)
  /** The alert whose closing dialog is open. */
  const closing = ref<Alert | null>(null)
  const closeError = ref('')

  async function refused(e: unknown) {
    toasts.error(errorText(e))
    await reload()
  }

  async function acknowledge(a: Alert) {
    busyId.value = a.id
    try {
      changed(await alertsApi.acknowledge(a.id, a.version))
      toasts.success(t('alerts.handle.acknowledged'))
    } catch (e) {
      await refused(e)
    } finally {
      busyId.value = null
    }
  }

  function askClose(a: Alert) {
    closeError.value = ''
    closing.value = a
  }

  async function close(note: string) {
    const a = closing.value
    if (!a) return
    busyId.value = a.id
    closeError.value = ''
    try {
      changed(await alertsApi.close(a.id, a.version, note))
      closing.value = null
      toasts.success(t('alerts.handle.closed'))
    } catch (e) {
      if ((e as { status?: number }).status === 400) {
        closeError.value = errorText(e) // stays in the dialog beside the note
      } else {
        closing.value = null
        await refused(e)
      }
    } finally {
      busyId.value = null
    }
  }

  return { busyId, closing, closeError, acknowledge, askClose, close }
}
