// All agencies in the user's scope, loaded once and refreshed after changes: the source for agency
// selects, the hierarchy, time zones per agency and the permission checks that need ancestors.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { agenciesApi } from '@/api/endpoints'
import type { Agency, TimeZoneId } from '@/api/types'
import { zoneOrDefault } from '@/lib/format'

export interface AgencyNode {
  agency: Agency
  depth: number
  children: AgencyNode[]
}

/** Builds the region → agency → unit forest, sorted by name; orphans (parent outside scope) are roots. */
export function buildTree(agencies: Agency[]): AgencyNode[] {
  const byId = new Map(agencies.map((a) => [a.id, a]))
  const children = new Map<number | null, Agency[]>()
  for (const agency of agencies) {
    const parent = agency.parent_id !== null && byId.has(agency.parent_id) ? agency.parent_id : null
    const list = children.get(parent) ?? []
    list.push(agency)
    children.set(parent, list)
  }
  const build = (parent: number | null, depth: number, seen: Set<number>): AgencyNode[] =>
    (children.get(parent) ?? [])
      .filter((a) => !seen.has(a.id))
      .sort((a, b) => a.name.localeCompare(b.name, 'id'))
      .map((agency) => {
        const next = new Set(seen).add(agency.id)
        return { agency, depth, children: build(agency.id, depth + 1, next) }
      })
  return build(null, 0, new Set())
}

/** The forest flattened in display order (for selects with indentation). */
export function flattenTree(nodes: AgencyNode[]): AgencyNode[] {
  return nodes.flatMap((node) => [node, ...flattenTree(node.children)])
}

export const useAgencyIndexStore = defineStore('agencyIndex', () => {
  const items = ref<Agency[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  let pending: Promise<void> | null = null

  const byId = computed(() => new Map(items.value.map((a) => [a.id, a])))
  const tree = computed(() => buildTree(items.value))
  const ordered = computed(() => flattenTree(tree.value))
  const activeOrdered = computed(() => ordered.value.filter((n) => n.agency.active))

  async function fetchAll(): Promise<void> {
    loading.value = true
    try {
      const all: Agency[] = []
      const limit = 200
      for (let offset = 0; ; offset += limit) {
        const page = await agenciesApi.list({ active: 'all', limit, offset })
        all.push(...page.items)
        if (page.items.length < limit || all.length >= page.total) break
      }
      items.value = all
      loaded.value = true
    } finally {
      loading.value = false
    }
  }

  /** Loads once; later calls reuse the result unless `force`. */
  function ensure(force = false): Promise<void> {
    if (loaded.value && !force) return Promise.resolve()
    if (!pending) pending = fetchAll().finally(() => (pending = null))
    return pending
  }

  function upsert(agency: Agency) {
    const index = items.value.findIndex((a) => a.id === agency.id)
    if (index >= 0) items.value.splice(index, 1, agency)
    else items.value.push(agency)
  }

  function parentOf(id: number): number | null | undefined {
    return byId.value.get(id)?.parent_id
  }

  function timezoneOf(id: number | null | undefined): TimeZoneId {
    if (id === null || id === undefined) return zoneOrDefault(null)
    return zoneOrDefault(byId.value.get(id)?.timezone)
  }

  /** Whether `id` is `ancestor` or lies below it. */
  function isWithin(id: number | null | undefined, ancestor: number): boolean {
    let current: number | null | undefined = id
    const seen = new Set<number>()
    while (current !== null && current !== undefined && !seen.has(current)) {
      if (current === ancestor) return true
      seen.add(current)
      current = parentOf(current)
    }
    return false
  }

  function reset() {
    items.value = []
    loaded.value = false
  }

  return { items, loaded, loading, byId, tree, ordered, activeOrdered, ensure, upsert, parentOf, timezoneOf, isWithin, reset }
})
