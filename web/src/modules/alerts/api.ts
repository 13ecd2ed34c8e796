// API calls of the alerts module (docs/api.md "Alerts").
import { api, type Query } from '@/api/client'
import type { Alert, AlertSettings, Unread } from './model'

export interface EvaluationReport {
  series: number
  opened: number
  refreshed: number
  closed: number
  hoax_scanned: number
}

export const alertsApi = {
  list: (query: Query = {}) => api.get<{ items: Alert[]; total: number }>('/alerts', query),
  get: (id: number) => api.get<Alert>(`/alerts/${id}`),
  unread: () => api.get<Unread>('/alerts/unread'),
  seen: () => api.post<{ unread: number }>('/alerts/seen', {}),
  acknowledge: (id: number, version: number) => api.post<Alert>(`/alerts/${id}/acknowledge`, { version }),
  close: (id: number, version: number, note: string) => api.post<Alert>(`/alerts/${id}/close`, { version, note }),
  evaluate: () => api.post<EvaluationReport>('/alerts/evaluate', {}),
  settings: (agencyId: number) => api.get<AlertSettings>(`/alert-settings/${agencyId}`),
  saveSettings: (agencyId: number, body: Record<string, unknown>) => api.put<AlertSettings>(`/alert-settings/${agencyId}`, body),
}
