// One function per inbox route of docs/api.md ("Inbox (cases, dispositions, replies — issue 6)").
import { api, type Query } from '@/api/client'
import type { ListResponse } from '@/api/types'
import type { InboxSettings } from './deadline'
import type {
  Answer, AnswerInput, Case, CaseCounts, CaseDetail, CasePage, CaseState, Colleague, Disposition, DispositionTarget, Holiday, Note,
  Notification, Priority, Reply, Responsiveness,
} from './types'

export const casesApi = {
  list: (query: Query = {}) => api.get<CasePage>('/cases', query),
  counts: (query: Query = {}) => api.get<CaseCounts>('/cases/counts', query),
  open: (mentionId: number) => api.post<Case>('/cases', { mention_id: mentionId }),
  get: (id: number) => api.get<CaseDetail>(`/cases/${id}`),
  update: (id: number, body: { version: number; priority?: Priority; assignee_id?: number | null }) =>
    api.patch<Case>(`/cases/${id}`, body),
  transition: (id: number, body: { version: number; to: CaseState; reason?: string }) =>
    api.post<Case>(`/cases/${id}/transition`, body),
  addNote: (id: number, text: string) => api.post<Note>(`/cases/${id}/notes`, { text }),
  forward: (id: number, body: { version: number; to_agency_ids: number[]; question: string; context?: string }) =>
    api.post<{ items: Disposition[]; case: Case }>(`/cases/${id}/dispositions`, body),
  reply: (id: number, body: { text: string; idempotency_key: string; answer_id?: number; submit?: boolean; case_version: number }) =>
    api.post<Reply>(`/cases/${id}/replies`, body),
}

export const dispositionsApi = {
  list: (query: Query = {}) => api.get<ListResponse<Disposition>>('/dispositions', query),
  /** The active agencies of the region a case of `fromAgencyId` can be forwarded to. */
  targets: (fromAgencyId: number) =>
    api.get<{ region_id: number; items: DispositionTarget[] }>('/dispositions/targets', { from_agency_id: fromAgencyId }),
  answer: (id: number, body: { version: number; answer: string; partial?: boolean }) =>
    api.post<Disposition>(`/dispositions/${id}/answer`, body),
  refuse: (id: number, body: { version: number; reason: string }) =>
    api.post<Disposition>(`/dispositions/${id}/refuse`, body),
  forward: (id: number, body: { version: number; to_agency_ids: number[]; note?: string }) =>
    api.post<{ items: Disposition[] }>(`/dispositions/${id}/forward`, body),
}

export const repliesApi = {
  update: (id: number, body: { version: number; text: string }) => api.patch<Reply>(`/replies/${id}`, body),
  submit: (id: number, version: number) => api.post<Reply>(`/replies/${id}/submit`, { version }),
  approve: (id: number, version: number) => api.post<Reply>(`/replies/${id}/approve`, { version }),
  reject: (id: number, version: number, reason: string) => api.post<Reply>(`/replies/${id}/reject`, { version, reason }),
  retry: (id: number, version: number) => api.post<Reply>(`/replies/${id}/retry`, { version }),
}

export const answersApi = {
  list: (query: Query = {}) => api.get<ListResponse<Answer>>('/answers', query),
  suggest: (caseId: number) => api.get<{ items: Answer[] }>('/answers/suggest', { case_id: caseId }),
  create: (input: AnswerInput) => api.post<Answer>('/answers', input),
  update: (id: number, body: Partial<AnswerInput> & { version: number; active?: boolean }) =>
    api.patch<Answer>(`/answers/${id}`, body),
  approve: (id: number, version: number) => api.post<Answer>(`/answers/${id}/approve`, { version }),
}

export const calendarApi = {
  holidays: (year: number) => api.get<{ items: Holiday[] }>('/calendar/holidays', { year }),
  add: (body: { date: string; name: string; kind: Holiday['kind'] }) => api.post<Holiday>('/calendar/holidays', body),
  remove: (date: string) => api.delete<void>(`/calendar/holidays/${encodeURIComponent(date)}`),
}

export const notificationsApi = {
  list: (query: Query = {}) => api.get<ListResponse<Notification> & { unread: number }>('/notifications', query),
  read: (body: { ids: number[] } | { all: true }) => api.post<{ unread: number }>('/notifications/read', body),
}

export const responsivenessApi = {
  get: (query: Query = {}) => api.get<Responsiveness>('/inbox/responsiveness', query),
}

export const inboxSettingsApi = {
  /** Without a region: the first region in the caller's scope. */
  get: (regionId?: number) => api.get<InboxSettings>('/inbox/settings', regionId === undefined ? {} : { region_id: regionId }),
  put: (body: Omit<InboxSettings, 'updated_at'>) => api.put<InboxSettings>('/inbox/settings', body),
}

export const colleaguesApi = {
  /** The active officers a case of `agencyId` can be assigned to (scoped by the server). */
  list: (agencyId?: number) => api.get<{ items: Colleague[] }>('/inbox/colleagues', agencyId === undefined ? {} : { agency_id: agencyId }),
}
