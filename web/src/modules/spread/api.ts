// API calls of the spread module (docs/api.md "What spreads").
import { api, type Query } from '@/api/client'
import type { Mention } from '@/api/types'
import type { AuthorProfile, Cascade, LabelCorrection, LabelTask, TopAuthors } from './model'

export const spreadApi = {
  cascade: (mentionId: number, query: Query = {}) => api.get<Cascade>(`/mentions/${mentionId}/cascade`, query),
  corrections: (mentionId: number) => api.get<{ items: LabelCorrection[] }>(`/mentions/${mentionId}/corrections`),
  correct: (mentionId: number, task: LabelTask, value: string, note = '') =>
    api.post<{ correction: LabelCorrection; mention: Mention }>(`/mentions/${mentionId}/labels`, note ? { task, value, note } : { task, value }),
  topAuthors: (query: Query = {}) => api.get<TopAuthors>('/authors/top', query),
  author: (platform: string, handle: string, query: Query = {}) =>
    api.get<AuthorProfile>(`/authors/${encodeURIComponent(platform)}/${encodeURIComponent(handle)}`, query),
}
