// A promise-based confirmation: `await confirmAction('Nonaktifkan …?')` → true/false.
import { reactive } from 'vue'

export const confirmState = reactive({ open: false, message: '', confirmLabel: '', danger: false })
let resolver: ((ok: boolean) => void) | null = null

export function confirmAction(message: string, options: { confirmLabel?: string; danger?: boolean } = {}): Promise<boolean> {
  resolver?.(false)
  confirmState.message = message
  confirmState.confirmLabel = options.confirmLabel ?? ''
  confirmState.danger = options.danger ?? false
  confirmState.open = true
  return new Promise((resolve) => (resolver = resolve))
}

export function settleConfirm(ok: boolean) {
  confirmState.open = false
  const r = resolver
  resolver = null
  r?.(ok)
}
