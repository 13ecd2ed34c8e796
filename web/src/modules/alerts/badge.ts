// The top-bar alerts badge: the open alerts in the user's scope (waiting for someone to follow
// them up), and how many alerts were opened since the user last opened the alerts page (unseen,
// shown as a ring). Shared by the badge and the alerts page (which marks them seen).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { alertsApi } from './api'

export const useAlertBadgeStore = defineStore('alertBadge', () => {
  const open = ref(0)
  const unread = ref(0)
  const available = ref(true)

  async function refresh() {
    if (!available.value) return
    try {
      const u = await alertsApi.unread()
      open.value = u.open
      unread.value = u.unread
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
    // The alerts page marks new alerts seen as they open: the open count moves with them.
    await refresh()
  }
  return { open, unread, available, refresh, seen }
})
