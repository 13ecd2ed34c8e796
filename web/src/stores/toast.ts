// Short notices at the corner of the screen ("Perubahan disimpan."), removed after a few seconds.
import { defineStore } from 'pinia'
import { ref } from 'vue'

export type ToastKind = 'success' | 'error' | 'info'
export interface Toast {
  id: number
  kind: ToastKind
  text: string
}

export const useToastStore = defineStore('toast', () => {
  const toasts = ref<Toast[]>([])
  let nextId = 1

  function dismiss(id: number) {
    toasts.value = toasts.value.filter((t) => t.id !== id)
  }

  function push(kind: ToastKind, text: string, ms = kind === 'error' ? 8000 : 5000): number {
    const id = nextId++
    toasts.value = [...toasts.value, { id, kind, text }].slice(-4)
    if (ms > 0) setTimeout(() => dismiss(id), ms)
    return id
  }

  return {
    toasts,
    push,
    dismiss,
    success: (text: string) => push('success', text),
    error: (text: string) => push('error', text),
    info: (text: string) => push('info', text),
  }
})
