// Listening alerts (docs/api.md "Alerts"): types and the pure helpers the pages use.
import type { LocationQueryRaw } from 'vue-router'

export type AlertKind = 'spike' | 'negative' | 'hoax'
export const ALERT_KINDS: AlertKind[] = ['spike', 'negative', 'hoax']

export type AlertState = 'open' | 'acknowledged' | 'closed'
/** The list's state filter: one state, "active" (open or acknowledged) or "" (all). */
export type StateFilter = AlertState | 'active' | ''
export const STATE_FILTERS: StateFilter[] = ['active', 'open', 'acknowledged', 'closed', '']

export interface UserRef {
  id: number
  display_name: string
}

export interface Alert {
  id: number
  agency_id: number
  agency_name: string
  query_id: number | null
  query_name: string
  kind: AlertKind
  state: AlertState
  opened_at: string
  last_hot_at: string
  acknowledged_at: string | null
  acknowledged_by: UserRef | null
  closed_at: string | null
  /** null on a closed alert: the evaluator closed it when it calmed down. */
  closed_by: UserRef | null
  close_note: string
  version: number
  /** The caller may acknowledge / close it (absent on live events: keep what the list knew). */
  can_handle?: boolean
  window_start: string
  window_end: string
  observed: number
  baseline: number
  score: number
  details: { hour?: string; share?: number; baseline_share?: number }
  evidence_ids: number[]
  evidence_url: string
  /** Only on live events. */
  change?: 'opened' | 'refreshed' | 'acknowledged' | 'closed'
}

export interface AlertSettings {
  agency_id: number
  enabled: boolean
  spike_score: number
  spike_min_count: number
  negative_score: number
  negative_min_count: number
  negative_min_share: number
  hoax_threshold: number
  calm_hours: number
  telegram_chat_id: string
  updated_at: string | null
  version: number
  can_edit: boolean
}

export interface Unread {
  unread: number
  unread_open: number
  /** In scope: waiting for someone / being followed up. */
  open: number
  acknowledged: number
}

/** Whether an alert belongs in a list filtered by `state`. */
export function inState(a: Pick<Alert, 'state'>, state: StateFilter): boolean {
  if (!state) return true
  if (state === 'active') return a.state !== 'closed'
  return a.state === state
}

/** What an officer may do with the alert now. */
export function actions(a: Pick<Alert, 'state' | 'can_handle'>): { acknowledge: boolean; close: boolean } {
  const may = a.can_handle === true
  return { acknowledge: may && a.state === 'open', close: may && a.state !== 'closed' }
}

/** An alert's title: its query, the agency's topic, or the hoax matches of the agency. */
export function alertTitle(a: Pick<Alert, 'kind' | 'query_id' | 'query_name' | 'agency_name'>, t: (key: string, values: Record<string, unknown>) => string): string {
  if (a.kind === 'hoax') return t('alerts.hoaxTitle', { agency: a.agency_name })
  return a.query_id ? a.query_name || t('alerts.queryN', { id: a.query_id }) : t('alerts.topic', { agency: a.agency_name })
}

/** The router location of an alert's evidence link ("/mentions?query_id=..&since=..", "/mentions/12"). */
export function evidenceLocation(url: string): { path: string; query: LocationQueryRaw } {
  const [path, search = ''] = url.split('?', 2)
  const query: LocationQueryRaw = {}
  for (const [k, v] of new URLSearchParams(search)) query[k] = v
  return { path, query }
}

/**
 * Applies a live alert event to a newest-first list: an update replaces the alert in place (keeping
 * what only the list knows, can_handle), a new one goes on top; when `state` filters the list,
 * alerts that left it drop out. A live event older than the listed alert (a lower version) is
 * ignored.
 */
export function applyLive(list: Alert[], alert: Alert, state: StateFilter): Alert[] {
  const at = list.findIndex((a) => a.id === alert.id)
  if (at >= 0 && alert.version < list[at].version) return list
  const rest = list.filter((a) => a.id !== alert.id)
  if (!inState(alert, state)) return rest
  if (at < 0) return [alert, ...rest]
  const copy = list.slice()
  copy[at] = { ...alert, can_handle: alert.can_handle ?? list[at].can_handle }
  return copy
}

/** The settings fields a person edits, as sent to PUT /alert-settings/{agency_id}. */
export function settingsBody(s: AlertSettings): Record<string, unknown> {
  return {
    version: s.version,
    enabled: s.enabled,
    spike_score: Number(s.spike_score),
    spike_min_count: Number(s.spike_min_count),
    negative_score: Number(s.negative_score),
    negative_min_count: Number(s.negative_min_count),
    negative_min_share: Number(s.negative_min_share),
    hoax_threshold: Number(s.hoax_threshold),
    calm_hours: Number(s.calm_hours),
    telegram_chat_id: s.telegram_chat_id.trim(),
  }
}
