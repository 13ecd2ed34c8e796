// Listening alerts (docs/api.md "Alerts"): types and the pure helpers the pages use.
import type { LocationQueryRaw } from 'vue-router'

export type AlertKind = 'spike' | 'negative' | 'hoax'
export const ALERT_KINDS: AlertKind[] = ['spike', 'negative', 'hoax']

export interface Alert {
  id: number
  agency_id: number
  agency_name: string
  query_id: number | null
  query_name: string
  kind: AlertKind
  state: 'open' | 'closed'
  opened_at: string
  last_hot_at: string
  closed_at: string | null
  window_start: string
  window_end: string
  observed: number
  baseline: number
  score: number
  details: { hour?: string; share?: number; baseline_share?: number }
  evidence_ids: number[]
  evidence_url: string
  /** Only on live events. */
  change?: 'opened' | 'refreshed' | 'closed'
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
}

/** The router location of an alert's evidence link ("/mentions?query_id=..&since=..", "/mentions/12"). */
export function evidenceLocation(url: string): { path: string; query: LocationQueryRaw } {
  const [path, search = ''] = url.split('?', 2)
  const query: LocationQueryRaw = {}
  for (const [k, v] of new URLSearchParams(search)) query[k] = v
  return { path, query }
}

/**
 * Applies a live alert event to a newest-first list: an update replaces the alert in place, a new one
 * goes on top; when `state` filters the list, alerts that left that state drop out.
 */
export function applyLive(list: Alert[], alert: Alert, state: '' | 'open' | 'closed'): Alert[] {
  const rest = list.filter((a) => a.id !== alert.id)
  if (state && alert.state !== state) return rest
  const at = list.findIndex((a) => a.id === alert.id)
  if (at < 0) return [alert, ...rest]
  const copy = list.slice()
  copy[at] = alert
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
