// A server-paged, filtered list: loading state, error text, paging, and reloading when filters
// change. Shared by the directory's list pages.
import { onMounted, ref, watch, type Ref, type WatchSource } from 'vue'
import type { ListResponse } from '@/api/types'
import { errorText } from '@/lib/errors'

export interface PagedList<T> {
  rows: Ref<T[]>
  total: Ref<number>
  offset: Ref<number>
  limit: number
  loading: Ref<boolean>
  error: Ref<string>
  /** Reloads the current page. */
  load: () => Promise<void>
  /** Back to the first page and reload (after a filter changed). */
  search: () => void
  /** Replaces one row in place (after an edit such as deactivation). */
  replace: (isSame: (row: T) => boolean, updated: T) => void
}

/**
 * `fetch(limit, offset)` loads one page; `watched` are the filters that restart from page one
 * when they change. Loads on mount.
 */
export function usePagedList<T>(
  fetch: (limit: number, offset: number) => Promise<ListResponse<T>>,
  watched: WatchSource[] = [],
  limit = 50,
): PagedList<T> {
  const rows = ref<T[]>([]) as Ref<T[]>
  const total = ref(0)
  const offset = ref(0)
  const loading = ref(false)
  const error = ref('')

  async function load() {
    loading.value = true
    error.value = ''
    try {
      const page = await fetch(limit, offset.value)
      rows.value = page.items
      total.value = page.total
    } catch (e) {
      error.value = errorText(e)
    } finally {
      loading.value = false
    }
  }
  function search() {
    if (offset.value !== 0) offset.value = 0
    else void load()
  }
  function replace(isSame: (row: T) => boolean, updated: T) {
    rows.value = rows.value.map((x) => (isSame(x) ? updated : x))
  }
  if (watched.length) watch(watched, search)
  watch(offset, load)
  onMounted(load)
  return { rows, total, offset, limit, loading, error, load, search, replace }
}
