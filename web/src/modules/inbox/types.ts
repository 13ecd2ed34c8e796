// Types of the inbox API (docs/api.md, "Inbox (cases, dispositions, replies — issue 6)").
import type { Mention, Platform, TimeZoneId } from '@/api/types'

export const CASE_STATES = ['baru', 'dibuka', 'menunggu_instansi', 'dijawab', 'selesai', 'dibuka_kembali'] as const
export type CaseState = (typeof CASE_STATES)[number]
/** Every state but `selesai`: the server's default list. */
export const OPEN_STATES: CaseState[] = ['baru', 'dibuka', 'dibuka_kembali', 'menunggu_instansi', 'dijawab']

export const PRIORITIES = ['rendah', 'normal', 'tinggi', 'mendesak'] as const
export type Priority = (typeof PRIORITIES)[number]

export const DISPOSITION_STATES = ['menunggu', 'dijawab', 'sebagian', 'ditolak', 'diteruskan'] as const
export type DispositionState = (typeof DISPOSITION_STATES)[number]

export type ReplyState = 'draft' | 'awaiting_approval' | 'queued' | 'sending' | 'sent' | 'failed'

export type SlaStatusCode = 'on_track' | 'due_soon' | 'overdue' | 'answered_on_time' | 'answered_late'

export interface SlaStatus {
  deadline_at: string
  mode: 'calendar' | 'working'
  /** null on a case's own status (it follows the earliest waiting disposition). */
  hours: number | null
  timezone: TimeZoneId
  remaining_ms: number
  status: SlaStatusCode
}

export interface UserRef {
  id: number
  username: string
  display_name: string
}

export interface Case {
  id: number
  agency_id: number
  agency_name: string
  timezone: TimeZoneId
  platform: Platform
  citizen: { handle: string; name: string }
  subject: string
  input_kind: string
  state: CaseState
  reopened: number
  priority: Priority
  assignee: UserRef | null
  mention_count: number
  first_mention_at: string
  last_mention_at: string
  first_response_at: string | null
  closed_at: string | null
  due_at: string | null
  /** Last message or officer action (the activity sort key). */
  last_activity_at?: string
  sla: SlaStatus | null
  version: number
  created_at: string
  updated_at: string
}

export interface Disposition {
  id: number
  case_id: number
  parent_id: number | null
  from_agency_id: number
  from_agency_name: string
  to_agency_id: number
  to_agency_name: string
  question: string
  context: string
  state: DispositionState
  answer: string
  refusal_reason: string
  created_by: UserRef
  answered_by: UserRef | null
  created_at: string
  answered_at: string | null
  deadline_at: string
  sla: SlaStatus
  version: number
  /** In the dispositions list only. */
  case?: Case
}

/** An agency a case can be forwarded to (GET /dispositions/targets): public directory fields only. */
export interface DispositionTarget {
  id: number
  name: string
  code: string
  kind: 'agency' | 'unit'
  parent_id: number | null
  timezone: TimeZoneId
  /** The deadline a disposition sent now would get (server-computed). */
  deadline_at: string
  sla: { mode: 'calendar' | 'working'; hours: number }
}

export interface Note {
  id: number
  case_id: number
  author: UserRef
  text: string
  mentions: string[]
  created_at: string
}

export interface Reply {
  id: number
  case_id: number
  text: string
  state: ReplyState
  idempotency_key: string
  answer_id: number | null
  created_by: UserRef
  approved_by: UserRef | null
  attempts: number
  last_error: string
  /** How the last send failed: 'retryable' (platform busy or down), 'permanent' (refused), '' none. */
  error_kind: '' | 'retryable' | 'permanent'
  /** When the server sends a failed reply again by itself (bounded automatic retries); null = not planned. */
  next_retry_at: string | null
  platform: Platform
  platform_id: string
  platform_url: string
  sendable: boolean
  max_chars: number
  created_at: string
  sent_at: string | null
  version: number
}

export interface Answer {
  id: number
  agency_id: number
  agency_name: string
  title: string
  body: string
  tags: string[]
  approved: boolean
  approved_by: UserRef | null
  valid_from: string
  valid_until: string
  active: boolean
  uses: number
  created_at: string
  updated_at: string
  version: number
  score?: number
}

export interface AnswerInput {
  agency_id: number
  title: string
  body: string
  tags: string[]
  valid_from: string
  valid_until: string
}

export type CaseEventKind =
  | 'opened' | 'mention_added' | 'state_changed' | 'assigned' | 'priority_changed' | 'note_added'
  | 'disposition_created' | 'disposition_answered' | 'disposition_refused' | 'disposition_forwarded'
  | 'reply_created' | 'reply_queued' | 'reply_submitted' | 'reply_approved' | 'reply_rejected'
  | 'reply_retried' | 'reply_sent' | 'reply_failed' | 'reopened' | 'reminder_sent'
  | 'escalated' | 'content_edited'

export interface CaseEvent {
  id: number
  at: string
  actor: UserRef | null
  kind: CaseEventKind | (string & {})
  details: Record<string, unknown>
}

export interface CaseDetail {
  case: Case
  mentions: Mention[]
  replies: Reply[]
  notes: Note[]
  dispositions: Disposition[]
  events: CaseEvent[]
  citizen_history: Case[]
  suggested_answers: Answer[]
  reply_limit: ReplyLimit
}

/** How a platform counts a reply: Unicode characters, or X's weighted count. */
export type LengthCounting = 'chars' | 'x_weighted'

/** What the composer needs before a reply is written (docs/api.md "Replies"). */
export interface ReplyLimit {
  platform: Platform
  max_chars: number
  counting: LengthCounting
  sendable: boolean
  /** Why it cannot go out now: '' | 'no_account' | 'window_closed'. */
  reason: string
  message: string
  /** WhatsApp: the end of the 24-hour window after the citizen's last message. */
  window_closes_at: string | null
}

export type CaseCounts = Partial<Record<CaseState, number>> & { overdue?: number; mine?: number }

export interface CasePage {
  items: Case[]
  next_cursor: string | null
}

export interface Holiday {
  date: string
  name: string
  kind: 'libur_nasional' | 'cuti_bersama'
  source: 'official' | 'admin'
  removed: boolean
}

export interface Notification {
  id: number
  kind: 'mention' | 'disposition' | 'disposition_answered' | 'reminder' | 'escalation' | 'reply_approval' | 'reply_failed' | 'alert'
  case_id: number | null
  disposition_id: number | null
  /** kind "alert": the alert, whose page the bell opens (older servers: absent). */
  alert_id?: number | null
  title: string
  body: string
  read: boolean
  created_at: string
}

export interface ResponsivenessRow {
  key: string
  name: string
  cases: number
  responded: number
  first_response_median_min: number | null
  first_response_avg_min: number | null
  dispositions: number
  dispositions_answered: number
  disposition_answer_avg_min: number | null
  within_deadline_share: number | null
  backlog: { lt_1d: number; d1_3: number; d3_7: number; gt_7d: number }
}

export interface Responsiveness {
  since: string
  until: string
  rows: ResponsivenessRow[]
}

/** An officer a case can be assigned to (GET /inbox/colleagues). */
export interface Colleague {
  id: number
  username: string
  display_name: string
  roles: { role: string; agency_id: number; agency_name: string }[]
}
