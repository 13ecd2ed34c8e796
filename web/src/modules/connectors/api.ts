// The connector registry API (docs/api.md, "Connectors"), used by the connectors pages only.
import { api, type Query } from '@/api/client'
import type { ListResponse } from '@/api/types'
import type { Connector, ConnectorHealth, ConnectorInput } from './model'

export const connectorsApi = {
  list: (query: Query = {}) => api.get<ListResponse<Connector>>('/connectors', query),
  health: (query: Query = {}) => api.get<ConnectorHealth>('/connectors/health', query),
  get: (id: number) => api.get<Connector>(`/connectors/${id}`),
  create: (input: ConnectorInput & { agency_id: number; platform: string }) => api.post<Connector>('/connectors', input),
  update: (id: number, input: Partial<ConnectorInput>) => api.patch<Connector>(`/connectors/${id}`, input),
  remove: (id: number) => api.delete(`/connectors/${id}`),
  run: (id: number) => api.post<Connector>(`/connectors/${id}/run`, {}),
}
