// One function per API operation of docs/api.md, so pages never spell URLs themselves.
import { api, type Query } from './client'
import { uploadRaw, type UploadHandle } from './upload'
import type {
  Account, AccountInput, Agency, AgencyInput, Appointment, AppointmentInput, AuditEntry, AuditVerify,
  AgencyQuery, AgencyQueryInput, Dashboard, ImportResult, ListResponse, Mention, QueryPreview, SessionResponse,
} from './types'
import type { User, UserCreateInput, UserUpdateInput } from '@/modules/users/model'

export const authApi = {
  login: (username: string, password: string) =>
    api.post<SessionResponse>('/auth/login', { username, password }, { noAuthRedirect: true }),
  logout: () => api.post<void>('/auth/logout', undefined, { noAuthRedirect: true }),
  me: () => api.get<SessionResponse>('/auth/me', undefined, { noAuthRedirect: true }),
}

export const agenciesApi = {
  list: (query: Query = {}) => api.get<ListResponse<Agency>>('/agencies', query),
  get: (id: number) => api.get<Agency>(`/agencies/${id}`),
  create: (input: AgencyInput) => api.post<Agency>('/agencies', input),
  update: (id: number, input: Partial<AgencyInput>) => api.patch<Agency>(`/agencies/${id}`, input),
  deactivate: (id: number) => api.post<Agency>(`/agencies/${id}/deactivate`),
  activate: (id: number) => api.post<Agency>(`/agencies/${id}/activate`),
}

export const accountsApi = {
  list: (query: Query = {}) => api.get<ListResponse<Account>>('/accounts', query),
  get: (id: number) => api.get<Account>(`/accounts/${id}`),
  create: (input: AccountInput) => api.post<Account>('/accounts', input),
  update: (id: number, input: Partial<AccountInput>) => api.patch<Account>(`/accounts/${id}`, input),
  deactivate: (id: number) => api.post<Account>(`/accounts/${id}/deactivate`),
}

export const appointmentsApi = {
  list: (query: Query = {}) => api.get<ListResponse<Appointment>>('/appointments', query),
  get: (id: number) => api.get<Appointment>(`/appointments/${id}`),
  create: (input: AppointmentInput) => api.post<Appointment>('/appointments', input),
  update: (id: number, input: Partial<AppointmentInput>) =>
    api.patch<Appointment>(`/appointments/${id}`, input),
  deactivate: (id: number) => api.post<Appointment>(`/appointments/${id}/deactivate`),
}

export const mentionsApi = {
  list: (query: Query = {}) => api.get<ListResponse<Mention>>('/mentions', query),
  get: (id: number) => api.get<Mention>(`/mentions/${id}`),
  import: (file: Blob, contentType: string, onProgress?: (loaded: number, total: number) => void):
    UploadHandle<ImportResult> =>
    uploadRaw<ImportResult>({ path: '/mentions/import', body: file, contentType, onProgress }),
}

export const queriesApi = {
  list: (query: Query = {}) => api.get<ListResponse<AgencyQuery>>('/queries', query),
  get: (id: number) => api.get<AgencyQuery>(`/queries/${id}`),
  create: (input: AgencyQueryInput) => api.post<AgencyQuery>('/queries', input),
  update: (id: number, input: Partial<AgencyQueryInput> & { version: number }) =>
    api.patch<AgencyQuery>(`/queries/${id}`, input),
  remove: (id: number) => api.delete(`/queries/${id}`),
  preview: (input: { expression: string; platforms?: string[]; languages?: string[]; limit?: number }, signal?: AbortSignal) =>
    api.post<QueryPreview>('/queries/preview', input, { signal }),
}

export const dashboardApi = {
  get: (query: Query = {}) => api.get<Dashboard>('/dashboard', query),
}

export const auditApi = {
  list: (query: Query = {}) => api.get<ListResponse<AuditEntry>>('/audit', query),
  verify: () => api.get<AuditVerify>('/audit/verify'),
}

export const usersApi = {
  list: (query: Query = {}) => api.get<ListResponse<User>>('/users', query),
  /** Every user (admins only), fetched page by page at the API's maximum page size. */
  async listAll(): Promise<User[]> {
    const all: User[] = []
    for (;;) {
      const page = await api.get<ListResponse<User>>('/users', { limit: 200, offset: all.length })
      all.push(...page.items)
      if (page.items.length === 0 || all.length >= page.total) return all
    }
  },
  create: (input: UserCreateInput) => api.post<User>('/users', input),
  update: (id: number, input: UserUpdateInput) => api.patch<User>(`/users/${id}`, input),
}

/** URL of the server-sent events stream. */
export const EVENTS_URL = '/api/v1/events'
