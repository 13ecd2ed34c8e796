// Types of the "what spreads" API (docs/api.md: cascades, authors, label corrections) and the pure
// logic the pages use: the cascade as an ECharts tree, windows, segment and correction values.
import type { Mention, Platform } from '@/api/types'

export type CascadeLink = 'root' | 'reply' | 'share'

/** Near-duplicates of a mention (docs/api.md "Mentions"): whether it copies an earlier mention
 * (`root` = that first mention when the reader may see it), and the copies of its cluster. */
export interface NearDuplicateInfo {
  isCopy: boolean
  /** The cluster's first mention, or null when it is outside the reader's scope. */
  root: number | null
  outsideScope: boolean
  /** Copies of the first mention in the reader's scope (0 when unknown). */
  copies: number
}

export function nearDuplicateInfo(m: Mention): NearDuplicateInfo {
  const isCopy = m.near_duplicate_similarity != null
  const outsideScope = isCopy && !!m.near_duplicate_outside_scope
  return {
    isCopy,
    root: isCopy ? (outsideScope ? null : (m.near_duplicate_of ?? null)) : m.id,
    outsideScope,
    copies: m.near_duplicate_copies ?? 0,
  }
}

export interface CascadeNode {
  index: number
  parent: number | null
  link: CascadeLink
  depth: number
  created_at: string
  hidden: boolean
  mention: Mention | null
}

export interface CascadeStats {
  size: number
  depth: number
  breadth: number[]
  replies: number
  shares: number
  distinct_authors: number
  engagement_reported: number
  first_at: string
  last_at: string
  reach: { estimated: number | null; authors_with_followers: number; authors_without_followers: number }
}

export interface Cascade {
  mention_id: number
  root_id: number | null
  missing_parent: string
  truncated: boolean
  stats: CascadeStats
  nodes: CascadeNode[]
}

export const SEGMENTS = ['creators', 'conversationalists', 'critics', 'collectors', 'joiners', 'spectators', 'inactive'] as const
export type Segment = (typeof SEGMENTS)[number]

export interface SegmentResult {
  segment: Segment | null
  rule: string
  reason: string
  window_weeks: number
  unobservable: Segment[]
}

export interface AuthorEvidence {
  mentions: number
  originals: number
  replies: number
  critical_replies: number
  shares: number
  active_days: number
  original_weeks: number
  likes_received: number
  shares_received: number
  replies_received: number
  reactions_observed: number
}

export interface AuthorWindow {
  since: string
  until: string
  topic: string | null
}

export interface Author {
  platform: Platform
  handle: string
  name: string
  influence: number
  followers: number | null
  first_at: string | null
  last_at: string | null
  evidence: AuthorEvidence
  segment: SegmentResult
}

export interface AuthorProfile extends Author {
  window: AuthorWindow
  measure: string
  recent: Mention[]
}

/** With a topic: how many of the newest mentions containing the word were read (at most `cap`). */
export interface TopicCoverage {
  candidates: number
  cap: number
  capped: boolean
}

export interface TopAuthors {
  window: AuthorWindow
  measure: string
  items: Author[]
  topic_coverage?: TopicCoverage
}

export type LabelTask = 'sentiment' | 'kind' | 'hoax'

export const LABEL_VALUES: Record<LabelTask, readonly string[]> = {
  sentiment: ['positive', 'neutral', 'negative'],
  kind: ['pertanyaan', 'keluhan', 'kritik', 'saran', 'apresiasi', 'lainnya'],
  hoax: ['hoax', 'not_hoax'],
}

export interface LabelCorrection {
  id: number
  mention_id: number
  task: LabelTask
  old_value: string
  old_confidence: number
  new_value: string
  user_id: number | null
  username: string
  note: string
  at: string
}

/** The current value of a task's label on a mention, as the correction form shows it. */
export function currentLabel(m: Mention, task: LabelTask): string {
  if (task === 'sentiment') return m.labels.sentiment
  if (task === 'kind') return m.labels.input_kind
  return m.labels.hoax_score >= 0.5 ? 'hoax' : 'not_hoax'
}

/** Values the form offers for a task: every allowed value but the current one. */
export function correctionChoices(m: Mention, task: LabelTask): string[] {
  const current = currentLabel(m, task)
  // A model's hoax score (not exactly 0 or 1) may be confirmed by a person.
  const decided = task !== 'hoax' || m.labels.hoax_score === 0 || m.labels.hoax_score === 1
  return LABEL_VALUES[task].filter((v) => v !== current || !decided)
}

/** A label value in words: `t` is vue-i18n's translate function. */
export function labelValueText(t: (key: string) => string, task: LabelTask, v: string): string {
  if (!v) return t('spread.correct.unlabelled')
  if (task === 'sentiment') return t(`sentiment.${v}`)
  if (task === 'kind') return t(`inputKind.${v}`)
  return t(`spread.correct.hoaxValues.${v}`)
}

/** One node of the ECharts tree series. */
export interface TreeDatum {
  name: string
  value: number
  link: CascadeLink
  hidden: boolean
  mentionId: number | null
  children: TreeDatum[]
  collapsed?: boolean
}

/**
 * The cascade as nested tree data (root first). `label(node)` names a visible node; hidden nodes
 * are named by `hiddenName`. Children beyond `maxChildren` per node are folded into one "+N"
 * leaf so a viral post stays readable.
 */
export function cascadeTree(
  c: Cascade,
  label: (n: CascadeNode) => string,
  hiddenName: string,
  moreName: (n: number) => string,
  maxChildren = 25,
): TreeDatum | null {
  if (!c.nodes.length) return null
  const data: TreeDatum[] = c.nodes.map((n) => ({
    name: n.hidden || !n.mention ? hiddenName : label(n),
    value: n.index,
    link: n.link,
    hidden: n.hidden,
    mentionId: n.mention?.id ?? null,
    children: [],
  }))
  for (const n of c.nodes) {
    if (n.parent === null || n.parent === undefined) continue
    const parent = data[n.parent]
    if (parent) parent.children.push(data[n.index])
  }
  for (const d of data) {
    if (d.children.length > maxChildren) {
      const extra = d.children.length - maxChildren
      d.children = d.children.slice(0, maxChildren)
      d.children.push({ name: moreName(extra), value: -1, link: 'reply', hidden: true, mentionId: null, children: [] })
    }
  }
  return data[0]
}

/**
 * since/until query parameters (RFC 3339, whole seconds) for the `days` days up to now; until is a
 * minute ahead so a mention stored this instant is inside (until is exclusive).
 */
export function windowDays(days: number, now: Date = new Date()): { since: string; until: string } {
  const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z')
  return { since: iso(now.getTime() - days * 86_400_000), until: iso(now.getTime() + 60_000) }
}

/** A hashtag typed by a person, as the API wants it ("" when it is not a valid tag). */
export function normalizeTopic(input: string): string {
  const tag = input.trim().replace(/^#/, '')
  return /^[A-Za-z0-9_]{1,100}$/.test(tag) ? tag.toLowerCase() : ''
}

/** The bar widths of the breadth-per-level chart, as percentages of the widest level. */
export function breadthBars(breadth: number[]): { level: number; count: number; pct: number }[] {
  const max = Math.max(1, ...breadth)
  return breadth.map((count, level) => ({ level, count, pct: Math.round((count / max) * 100) }))
}
