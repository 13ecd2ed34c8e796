// The unread-alerts count shown in the top bar: alerts opened in the user's scope since they last
// opened the alerts page. Shared by the badge and the alerts page (which marks them seen).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { alertsApi } from './api'

export const useAlertBadgeStore = defineStore('alertBadge', () => {
  const unread = ref(0)
  const available = ref(true)

  async function refresh() {
    if (!available.value) return
    try {
      unread.value = (await alertsApi.unread()).unread
    } catch (e) {
      // A server without alerts answers 404: hide the badge for this session.
      if ((e as { status?: number }).status === 404) available.value = false
    }
  }
  async function seen() {
    try {
      unread.value = (await alertsApi.seen()).unread
    } catch {
      // Stays as it was; the next refresh shows the truth.
    }
  }
  return { unread, available, refresh, seen }
})
