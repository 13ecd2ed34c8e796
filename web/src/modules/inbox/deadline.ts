// The region's inbox settings as the API sends them (GET/PUT /inbox/settings). Deadlines are
// computed by the server only (GET /dispositions/targets shows the one a disposition sent now gets).

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
export const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

export interface InboxSettings {
  region_id: number
  mode: 'calendar' | 'working'
  hours: number
  reminder_minutes: number[]
  require_reply_approval: boolean
  schedule: Record<Weekday, [string, string] | null>
  updated_at?: string
}
