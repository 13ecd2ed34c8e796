// Types of the humas HTTP API v1 as described in docs/api.md (the contract with src/api/).

export type RoleId = 'admin' | 'koordinator' | 'pejabat' | 'petugas' | 'pimpinan'
export const ROLES: RoleId[] = ['admin', 'koordinator', 'pejabat', 'petugas', 'pimpinan']

export interface RoleGrant {
  role: RoleId
  agency_id: number
  agency_name: string
}

export interface Me {
  id: number
  username: string
  display_name: string
  locale: string
  roles: RoleGrant[]
}

export interface SessionResponse {
  user: Me
  csrf_token: string
}

export interface ListResponse<T> {
  items: T[]
  total: number
  /** Mentions only: the count stopped at a cap and there are more than `total`. */
  total_capped?: boolean
}

export type AgencyKind = 'region' | 'agency' | 'unit'
export const AGENCY_KINDS: AgencyKind[] = ['region', 'agency', 'unit']
export type TimeZoneId = 'Asia/Jakarta' | 'Asia/Makassar' | 'Asia/Jayapura'
export const TIME_ZONES: TimeZoneId[] = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura']

export interface Agency {
  id: number
  parent_id: number | null
  kind: AgencyKind
  name: string
  short_name: string
  code: string
  timezone: TimeZoneId
  email: string
  phone: string
  website: string
  active: boolean
  created_at: string
  updated_at: string
  accounts_count: number
  appointments_count: number
}

export interface AgencyInput {
  parent_id: number | null
  kind: AgencyKind
  name: string
  short_name: string
  code: string
  timezone: TimeZoneId
  email: string
  phone: string
  website: string
}

export const PLATFORMS = [
  'x', 'facebook', 'instagram', 'youtube', 'tiktok', 'telegram', 'whatsapp', 'mastodon', 'bluesky',
  'rss', 'website', 'other',
] as const
export type Platform = (typeof PLATFORMS)[number]

export const PLATFORM_TYPES = [
  'blog', 'microblog', 'media_sharing', 'social_network', 'wiki', 'forum', 'messaging', 'review',
] as const
export type PlatformType = (typeof PLATFORM_TYPES)[number]

export type AccountStatus = 'active' | 'pending' | 'inactive' | 'suspended'
export const ACCOUNT_STATUSES: AccountStatus[] = ['active', 'pending', 'inactive', 'suspended']

export interface AccountSecurity {
  two_factor: boolean
  recovery_owned_by_agency: boolean
  password_in_custody: boolean
  custodian: string
  last_review: string | null
}

export interface Account {
  id: number
  agency_id: number
  agency_name: string
  platform: Platform
  platform_type: PlatformType
  handle: string
  display_name: string
  url: string
  status: AccountStatus
  verified: boolean
  security: AccountSecurity
  security_score: number
  created_at: string
  updated_at: string
}

export interface AccountInput {
  agency_id: number
  platform: Platform
  platform_type: PlatformType
  handle: string
  display_name: string
  url: string
  status: AccountStatus
  verified: boolean
  security: AccountSecurity
}

export type AppointmentRole = 'pejabat' | 'petugas'
export type AppointmentStatus = 'valid' | 'expired' | 'upcoming' | 'inactive'
export const APPOINTMENT_STATUSES: AppointmentStatus[] = ['valid', 'expired', 'upcoming', 'inactive']

export interface Appointment {
  id: number
  agency_id: number
  agency_name: string
  user_id: number | null
  role: AppointmentRole
  person_name: string
  nip: string
  position: string
  decree_number: string
  decree_date: string
  valid_from: string
  valid_until: string
  active: boolean
  status: AppointmentStatus
  created_at: string
  updated_at: string
}

export interface AppointmentInput {
  agency_id: number
  role: AppointmentRole
  person_name: string
  nip: string
  position: string
  decree_number: string
  decree_date: string
  valid_from: string
  valid_until: string
}

export type Sentiment = 'positive' | 'neutral' | 'negative'

export interface MentionLabels {
  sentiment: Sentiment | ''
  sentiment_confidence: number
  input_kind: string
  input_kind_confidence: number
  hoax_score: number
  has_personal_data: boolean
}

/** A replaced version of an edited mention's text (docs/api.md, "Edited posts"). */
export interface MentionEdit {
  text: string
  version_at: string
  replaced_at: string
}

export interface Mention {
  id: number
  platform: Platform
  external_id: string
  url: string
  author: { handle: string; name: string; followers?: number | null }
  text: string
  created_at: string
  /** When the current text was written, for posts the author edited; null = never edited. */
  edited_at?: string | null
  ingested_at: string
  kind: string
  agency_id: number | null
  agency_name: string
  in_reply_to: string
  shared_from: string
  shares: number
  likes: number
  replies: number
  labels: MentionLabels
  /** Near-duplicate flagged at intake (docs/api.md, Mentions): the first mention of the cluster of
   * nearly identical texts, or null (not a copy, or the original is outside the reader's scope). */
  near_duplicate_of?: number | null
  /** Similarity (0-1) to the closest earlier copy; null when the mention is not a near-duplicate. */
  near_duplicate_similarity?: number | null
  /** A copy whose original the reader may not see. */
  near_duplicate_outside_scope?: boolean
  /** GET /mentions/{id} only: copies of the cluster's first mention in the reader's scope. */
  near_duplicate_copies?: number
  /** GET /mentions/{id} only: the versions the author replaced, oldest first. */
  edits?: MentionEdit[]
  /** Live events only: the agency queries the mention matched at intake. */
  query_ids?: number[]
}

export type QueryLanguage = 'id' | 'en' | 'other'
export const QUERY_LANGUAGES: QueryLanguage[] = ['id', 'en', 'other']

/** An agency query (social listening), docs/api.md "Agency queries". */
export interface AgencyQuery {
  id: number
  agency_id: number
  agency_name: string
  name: string
  expression: string
  platforms: Platform[]
  languages: QueryLanguage[]
  active: boolean
  created_by: number | null
  created_at: string
  updated_at: string
  version: number
  /** GET /queries/{id} only: the agency's X filtered streams that do not stream this query, and why (English). */
  x_stream_gaps?: { connector_id: number; connector_name: string; kind: 'typed_rules' | 'unexpressible' | 'refused'; reason: string }[]
}

export interface AgencyQueryInput {
  agency_id: number
  name: string
  expression: string
  platforms: Platform[]
  languages: QueryLanguage[]
  active: boolean
}

export interface QueryPreview {
  count: number
  scanned: number
  capped: boolean
  items: Mention[]
}

/** Stable codes of rejected import lines (docs/api.md, Mentions); the server may add more. */
export type ImportErrorCode =
  | 'invalid_json'
  | 'not_an_object'
  | 'invalid_utf8'
  | 'line_too_long'
  | 'wrong_column_count'
  | 'malformed_quote'
  | 'unterminated_quote'
  | 'missing_field'
  | 'wrong_type'
  | 'invalid_value'
  | 'invalid_time'
  | 'too_long'
  | 'unknown_agency'
  | 'agency_out_of_scope'
  | 'agency_required'

export interface ImportError {
  line: number
  /** One of ImportErrorCode, or a newer code this client does not know yet. */
  code: ImportErrorCode | (string & {})
  /** The field concerned as spelled in the file ("created_at", "author.handle"); "" for the line. */
  field: string
  /** English detail for developers; shown to officers only as secondary text. */
  reason: string
}

export interface ImportResult {
  imported: number
  duplicates: number
  updated: number
  rejected: number
  errors: ImportError[]
}

export interface Dashboard {
  total: number
  by_platform: Partial<Record<string, number>>
  by_sentiment: { positive: number; neutral: number; negative: number; unlabelled: number }
  series: { hour: string; count: number }[]
  agencies: { agency_id: number; name: string; count: number }[]
}

export interface AuditEntry {
  seq: number
  at: string
  actor: string
  action: string
  entity: string
  entity_id: number | string | null
  agency_id: number | null
  details: Record<string, unknown>
  hash: string
}

export interface AuditVerify {
  ok: boolean
  entries: number
  first_bad_seq?: number
  reason?: string
}
