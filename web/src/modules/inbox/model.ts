// Pure state logic of the inbox: the case list under live updates and keyset paging, the filters as
// API query, the composer's character budget and idempotency key, and @mentions in notes.
import type { Case, CaseState, DispositionTarget, LengthCounting, Notification, Priority } from './types'
import { OPEN_STATES } from './types'

export type SortKey = 'activity' | 'due'

export interface CaseFilter {
  /** The tab: one state, or 'open' for every open state, or 'overdue' / 'mine' shortcuts. */
  tab: CaseState | 'open' | 'overdue' | 'mine'
  sort: SortKey
  agencyId: number | null
  assignee: '' | 'me' | 'none'
  priority: Priority | ''
  overdue: boolean
  q: string
}

export const DEFAULT_FILTER: CaseFilter = { tab: 'open', sort: 'activity', agencyId: null, assignee: '', priority: '', overdue: false, q: '' }

/** The query string of GET /cases for a filter. */
export function filterQuery(filter: CaseFilter): Record<string, string | number | boolean> {
  const query: Record<string, string | number | boolean> = { sort: filter.sort }
  if (filter.tab === 'open' || filter.tab === 'overdue' || filter.tab === 'mine') query.state = OPEN_STATES.join(',')
  else query.state = filter.tab
  if (filter.agencyId !== null) query.agency_id = filter.agencyId
  const assignee = filter.tab === 'mine' ? 'me' : filter.assignee
  if (assignee) query.assignee = assignee
  if (filter.priority) query.priority = filter.priority
  if (filter.overdue || filter.tab === 'overdue') query.overdue = true
  if (filter.q.trim()) query.q = filter.q.trim()
  return query
}

/** Whether `c` belongs in the list `filter` shows (for live updates), as far as the client can tell. */
export function matchesFilter(c: Case, filter: CaseFilter, meId: number | null, isWithin: (agencyId: number, ancestor: number) => boolean): boolean {
  const states: CaseState[] = filter.tab === 'open' || filter.tab === 'overdue' || filter.tab === 'mine' ? OPEN_STATES : [filter.tab]
  if (!states.includes(c.state)) return false
  // The deadline sort lists only cases with a waiting disposition.
  if (filter.sort === 'due' && !c.due_at) return false
  if (filter.agencyId !== null && !isWithin(c.agency_id, filter.agencyId)) return false
  const assignee = filter.tab === 'mine' ? 'me' : filter.assignee
  if (assignee === 'me' && c.assignee?.id !== meId) return false
  if (assignee === 'none' && c.assignee !== null) return false
  if (filter.priority && c.priority !== filter.priority) return false
  if ((filter.overdue || filter.tab === 'overdue') && c.sla?.status !== 'overdue') return false
  if (filter.q.trim()) {
    const hay = `${c.subject} ${c.citizen.handle} ${c.citizen.name}`.toLowerCase()
    if (!filter.q.trim().toLowerCase().split(/\s+/).every((w) => hay.includes(w))) return false
  }
  return true
}

function activityKey(c: Case): string {
  if (c.last_activity_at) return c.last_activity_at
  return c.updated_at > c.last_mention_at ? c.updated_at : c.last_mention_at
}

/** Sort order of the server: activity = newest first; due = earliest deadline first (undated last, though the server leaves them out). */
export function compareCases(a: Case, b: Case, sort: SortKey): number {
  if (sort === 'due') {
    if (a.due_at && b.due_at) return a.due_at < b.due_at ? -1 : a.due_at > b.due_at ? 1 : b.id - a.id
    if (a.due_at) return -1
    if (b.due_at) return 1
  }
  const ka = activityKey(a)
  const kb = activityKey(b)
  return ka > kb ? -1 : ka < kb ? 1 : b.id - a.id
}

/** Appends the next keyset page, dropping cases already shown (a case may move between pages). */
export function appendPage(list: Case[], page: Case[]): Case[] {
  const seen = new Set(list.map((c) => c.id))
  return [...list, ...page.filter((c) => !seen.has(c.id))]
}

/**
 * Applies a live or local change of one case to the shown list: replaced in place when it still
 * matches (unless an older version), inserted in sort order when it newly matches, removed when not.
 * Only cases that sort inside the loaded range are inserted (the rest come with later pages).
 */
export function applyCase(list: Case[], changed: Case, matches: boolean, sort: SortKey, hasMore: boolean): Case[] {
  const index = list.findIndex((c) => c.id === changed.id)
  if (index >= 0 && list[index].version > changed.version) return list
  const rest = index >= 0 ? list.filter((c) => c.id !== changed.id) : list
  if (!matches) return rest
  const position = rest.findIndex((c) => compareCases(changed, c, sort) < 0)
  if (position < 0) return hasMore ? rest : [...rest, changed]
  return [...rest.slice(0, position), changed, ...rest.slice(position)]
}

/** Characters as platforms count them (code points, so an emoji is one). */
export function charCount(text: string): number {
  return Array.from(text).length
}

const URL_START = /^https?:\/\//

/** X's light characters (weight 1, twitter-text v3 ranges); everything else weighs 2. */
function xLight(cp: number): boolean {
  return cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) || (cp >= 8242 && cp <= 8247)
}

/**
 * X's weighted length, as the server counts it (inbox::ReplyLength): most Latin letters and
 * punctuation 1, other characters (CJK, emoji) 2, every http(s) link 23.
 */
export function xWeightedLength(text: string): number {
  let weight = 0
  let i = 0
  while (i < text.length) {
    if (URL_START.test(text.slice(i, i + 8))) {
      let end = i
      while (end < text.length && text[end] !== ' ' && text[end] !== '\n' && text[end] !== '\t') end++
      weight += 23
      i = end
      continue
    }
    const cp = text.codePointAt(i) ?? 0
    weight += xLight(cp) ? 1 : 2
    i += cp > 0xffff ? 2 : 1
  }
  return weight
}

/** A reply's length as its platform counts it. */
export function replyLength(text: string, counting: LengthCounting = 'chars'): number {
  return counting === 'x_weighted' ? xWeightedLength(text) : charCount(text)
}

/** Characters left for a reply (null when the platform has no known limit). */
export function charsLeft(text: string, maxChars: number, counting: LengthCounting = 'chars'): number | null {
  return maxChars > 0 ? maxChars - replyLength(text, counting) : null
}

/** A fresh idempotency key for one composed reply (8–100 characters). */
export function newIdempotencyKey(random: () => string = () => globalThis.crypto.randomUUID()): string {
  return `reply-${random()}`
}

/** The @usernames in a note, in order, without duplicates (usernames: letters, digits, . _ -). */
export function noteMentions(text: string): string[] {
  const names: string[] = []
  for (const match of text.matchAll(/(^|[^\w@.])@([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]|[A-Za-z0-9])/g)) {
    const name = match[2].toLowerCase()
    if (!names.includes(name)) names.push(name)
  }
  return names
}

/** A note split into plain text and @mention pieces, for highlighting. */
export function noteParts(text: string): { text: string; mention: boolean }[] {
  const parts: { text: string; mention: boolean }[] = []
  let last = 0
  for (const match of text.matchAll(/(^|[^\w@.])(@[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/g)) {
    const start = (match.index ?? 0) + match[1].length
    if (start > last) parts.push({ text: text.slice(last, start), mention: false })
    parts.push({ text: match[2], mention: true })
    last = start + match[2].length
  }
  if (last < text.length) parts.push({ text: text.slice(last), mention: false })
  return parts
}

/** Which state transitions an officer can ask for from `state` (docs/api.md, transition). */
export function allowedTransitions(state: CaseState): CaseState[] {
  switch (state) {
    case 'baru': return ['dibuka', 'selesai']
    case 'dibuka': return ['selesai']
    case 'dibuka_kembali': return ['selesai']
    case 'dijawab': return ['dibuka', 'selesai']
    case 'selesai': return ['dibuka_kembali']
    default: return []
  }
}

/** Sums the open-state counts for the "all open" tab. */
export function openTotal(counts: Partial<Record<string, number>>): number {
  return OPEN_STATES.reduce((sum, s) => sum + (counts[s] ?? 0), 0)
}

/** A quick choice in a reason dialog: `text` opens the reason sent to the server ("" = none);
 * `gloss` (optional) explains that text to the officer under the choices. */
export interface ReasonPreset {
  id: string
  label: string
  text: string
  gloss?: string
}

/**
 * The opening words of a refused disposition's reason. Deliberately Indonesian in every display
 * language: the reason is stored once and read by the forwarding agency's officers as official
 * correspondence between agencies (disposisi, GUIDELINE.md glossary), not shown as a UI label.
 * The English UI labels the choice "Not within our authority" and glosses these words.
 */
export const NOT_OURS_REASON = 'Bukan kewenangan kami'

/** The reason sent: the preset's words, then the officer's explanation ("Bukan kewenangan kami — …"). */
export function composeReason(preset: string, explanation: string): string {
  const e = explanation.trim()
  const p = preset.trim()
  if (!p) return e
  if (!e) return p
  return `${p} — ${e}`
}

/** How a colleague is named in the assignment list: display name, @username and their roles. */
export function colleagueLabel(c: { username: string; display_name: string; roles: { role: string; agency_name: string }[] }, roleName: (role: string) => string): string {
  const who = c.display_name ? `${c.display_name} (@${c.username})` : `@${c.username}`
  const roles = [...new Set(c.roles.map((r) => `${roleName(r.role)} ${r.agency_name}`.trim()))]
  return roles.length ? `${who} — ${roles.join(', ')}` : who
}

/**
 * Disposition targets in tree order (agencies by name, each followed by its units, indented):
 * a target whose parent is not in the list (the region, or an inactive agency) is a root.
 */
export function targetTree(targets: DispositionTarget[]): { target: DispositionTarget; depth: number }[] {
  const ids = new Set(targets.map((t) => t.id))
  const children = new Map<number | null, DispositionTarget[]>()
  for (const t of targets) {
    const parent = t.parent_id !== null && ids.has(t.parent_id) ? t.parent_id : null
    children.set(parent, [...(children.get(parent) ?? []), t])
  }
  const out: { target: DispositionTarget; depth: number }[] = []
  const seen = new Set<number>()
  const walk = (parent: number | null, depth: number) => {
    for (const t of [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name, 'id'))) {
      if (seen.has(t.id)) continue
      seen.add(t.id)
      out.push({ target: t, depth })
      walk(t.id, depth + 1)
    }
  }
  walk(null, 0)
  return out
}

/** Where a notification in the bell leads: an alert's page, a case, the dispositions list. */
export function notificationTarget(n: Pick<Notification, 'alert_id' | 'case_id' | 'disposition_id'>):
  { name: string, params?: Record<string, number> } | null {
  if (n.alert_id) return { name: 'alert', params: { id: n.alert_id } }
  if (n.case_id) return { name: 'inbox-case', params: { id: n.case_id } }
  if (n.disposition_id) return { name: 'inbox-dispositions' }
  return null
}
