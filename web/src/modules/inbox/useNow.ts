// A clock shared by every SLA badge on a page, ticking every 30 seconds (countdowns show minutes).
import { onBeforeUnmount, onMounted, ref } from 'vue'

export function useNow(intervalMs = 30_000) {
  const now = ref(Date.now())
  let timer: ReturnType<typeof setInterval> | null = null
  onMounted(() => {
    timer = setInterval(() => (now.value = Date.now()), intervalMs)
  })
  onBeforeUnmount(() => {
    if (timer) clearInterval(timer)
  })
  return now
}
