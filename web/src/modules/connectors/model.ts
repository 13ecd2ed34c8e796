// Connectors (listening sources) as the web client sees them: the API's Connector, the kinds humas
// can run with their settings and write-only credential fields, and the pure rules the page uses
// (health tone, read-budget bar, what to send). Kept free of Vue so it is unit-tested.
import { PLATFORMS, type Platform } from '@/api/types'

export type ConnectorStatus = 'ok' | 'failing' | 'pending' | 'disabled'
export const CONNECTOR_STATUSES: ConnectorStatus[] = ['ok', 'failing', 'pending', 'disabled']

export interface Connector {
  id: number
  agency_id: number
  agency_name: string
  platform: Platform
  name: string
  settings: Record<string, unknown>
  credentials: 'set' | 'not_set'
  enabled: boolean
  poll_interval_seconds: number
  status: ConnectorStatus
  last_success_at: string | null
  last_error_at: string | null
  last_error: string
  /** Something the admin should know about a run that still worked (e.g. X resumed from the start of its 7-day window); "" = none. */
  notice?: string
  notice_at?: string | null
  next_run_at: string | null
  consecutive_failures: number
  items_total: number
  read_budget_monthly: number | null
  reads_month: string
  reads_used: number
  created_at: string
  updated_at: string
  /** Webhook connectors: the path the platform calls (e.g. "/hooks/meta/12"). */
  webhook_path?: string
  /** True when humas runs the connector on its schedule (false for webhooks and push-only platforms). */
  polled?: boolean
  /** The monthly read budget is used up: the connector waits for the next month. */
  budget_spent?: boolean
  /** True when humas keeps a live connection open (Bluesky Jetstream, Mastodon streaming). */
  streamed?: boolean
  /** The live state of a streamed connector (null while the server has none). */
  stream?: StreamState | null
  /** X filtered stream: the rules compiled from the agency's queries (or typed on the form) and
   * the queries X's rule language cannot express, with the server's reason. */
  x_rules?: XRules
}

export interface XRules {
  rules: { value: string; tag: string; query_id: number | null }[]
  unexpressible: { query_id: number; name: string; reason: string }[]
  /** Rules X's dry run refused at the last sync (not streamed), with X's reason. */
  refused?: { query_id: number | null; name: string; rule: string; reason: string }[]
}

export interface StreamState {
  connected: boolean
  connected_since: string | null
  last_event_at: string | null
  last_error_at: string | null
  last_error: string
  reconnects: number
  events: number
  stored: number
  malformed: number
  /** X filtered stream: posts read back by recent search after a disconnect, and when. */
  gap_filled?: number
  gap_filled_at?: string | null
  /** X filtered stream: posts recorded for a query by its rule's tag, and tags ignored. */
  tagged_posts?: number
  ignored_tags?: number
}

export interface ConnectorHealth {
  items: Connector[]
  counts: Record<ConnectorStatus, number>
  checked_at: string
}

export interface ConnectorInput {
  name: string
  settings: Record<string, unknown>
  /** Object of strings = replace the stored credentials; null = clear them; absent = keep. */
  credentials?: Record<string, string> | null
  enabled: boolean
  poll_interval_seconds: number
  read_budget_monthly?: number | null
}

export interface FieldSpec {
  key: string
  /** i18n key of the label, under connectors.field. */
  label: string
  /** lines: one item per line, sent as a list; flag: a checkbox, sent as true (or left out);
   * wsurl: a ws:// or wss:// address. */
  type: 'url' | 'wsurl' | 'text' | 'password' | 'integer' | 'lines' | 'flag'
  required?: boolean
  /** Bounds of an integer field. */
  min?: number
  max?: number
  /** i18n key of a help line, under connectors.help. */
  help?: string
}

export interface KindSpec {
  /** Stable id used in the form and the translations (connectors.kinds.<id>). */
  id: string
  /** Platforms this kind may be created for; the first is the default. */
  platforms: Platform[]
  /** poll: humas fetches on a schedule; webhook: the platform pushes to humas; stream: humas
   * keeps a connection open. */
  mode: 'poll' | 'webhook' | 'stream'
  settings: FieldSpec[]
  credentials: FieldSpec[]
  /** Fixed settings stored with the connector (e.g. {"webhook": "meta"}, {"stream": true}). */
  fixed?: Record<string, string | boolean>
}

/** Meta and WhatsApp webhooks: the Meta app's secret and the subscription verify token. */
const META_CREDENTIALS: FieldSpec[] = [
  { key: 'app_secret', label: 'appSecret', type: 'password', required: true, help: 'metaAppSecret' },
  { key: 'verify_token', label: 'verifyToken', type: 'password', help: 'verifyToken' },
]

/** The kinds humas runs today. Connectors of other kinds (made through the API) are listed and can
 * be edited as raw settings, but cannot be created here: they would not run. */
export const KINDS: KindSpec[] = [
  {
    id: 'rss',
    platforms: ['rss'],
    mode: 'poll',
    settings: [{ key: 'url', label: 'feedUrl', type: 'url', required: true, help: 'feedUrl' }],
    credentials: [],
  },
  // Before x_search: an X connector with settings.stream is the filtered stream.
  {
    id: 'x_stream',
    platforms: ['x'],
    mode: 'stream',
    fixed: { stream: true },
    settings: [
      { key: 'rules', label: 'xRules', type: 'lines', help: 'xRules' },
      { key: 'max_rules', label: 'maxRules', type: 'integer', min: 1, max: 1000, help: 'maxRules' },
      { key: 'max_rule_length', label: 'maxRuleLength', type: 'integer', min: 1, max: 4096, help: 'maxRuleLength' },
      { key: 'backfill_minutes', label: 'backfillMinutes', type: 'integer', min: 0, max: 5, help: 'backfillMinutes' },
      { key: 'api_base', label: 'apiBase', type: 'url', help: 'apiBase' },
    ],
    credentials: [{ key: 'bearer_token', label: 'bearerToken', type: 'password', required: true, help: 'bearerToken' }],
  },
  {
    id: 'x_search',
    platforms: ['x'],
    mode: 'poll',
    settings: [
      { key: 'query', label: 'xQuery', type: 'text', required: true, help: 'xQuery' },
      { key: 'max_results', label: 'maxResults', type: 'integer', min: 10, max: 100, help: 'maxResults' },
      { key: 'api_base', label: 'apiBase', type: 'url', help: 'apiBase' },
    ],
    credentials: [{ key: 'bearer_token', label: 'bearerToken', type: 'password', required: true, help: 'bearerToken' }],
  },
  {
    id: 'telegram_updates',
    platforms: ['telegram'],
    mode: 'poll',
    settings: [
      { key: 'limit', label: 'limit', type: 'integer', min: 1, max: 100, help: 'telegramLimit' },
      { key: 'api_base', label: 'apiBase', type: 'url', help: 'apiBase' },
    ],
    credentials: [{ key: 'bot_token', label: 'botToken', type: 'password', required: true, help: 'botToken' }],
  },
  {
    id: 'mastodon_timeline',
    platforms: ['mastodon'],
    mode: 'poll',
    settings: [
      { key: 'instance_url', label: 'instanceUrl', type: 'url', required: true, help: 'instanceUrl' },
      { key: 'hashtag', label: 'hashtag', type: 'text', help: 'hashtag' },
      { key: 'account_id', label: 'accountId', type: 'text', help: 'accountId' },
      { key: 'local', label: 'localTimeline', type: 'flag', help: 'localTimeline' },
      { key: 'limit', label: 'limit', type: 'integer', min: 1, max: 40, help: 'mastodonLimit' },
      { key: 'stream', label: 'mastodonStream', type: 'flag', help: 'mastodonStream' },
    ],
    credentials: [{ key: 'access_token', label: 'accessToken', type: 'password', help: 'accessToken' }],
  },
  {
    id: 'youtube_comments',
    platforms: ['youtube'],
    mode: 'poll',
    settings: [
      { key: 'video_id', label: 'videoId', type: 'text', help: 'videoId' },
      { key: 'channel_id', label: 'channelId', type: 'text', help: 'channelId' },
      { key: 'max_results', label: 'maxResults', type: 'integer', min: 1, max: 100, help: 'youtubeMaxResults' },
      { key: 'daily_quota_units', label: 'dailyQuota', type: 'integer', min: 1, max: 1000000, help: 'dailyQuota' },
      { key: 'api_base', label: 'apiBase', type: 'url', help: 'apiBase' },
    ],
    credentials: [{ key: 'api_key', label: 'apiKey', type: 'password', required: true, help: 'apiKey' }],
  },
  {
    id: 'facebook_page',
    platforms: ['facebook'],
    mode: 'poll',
    settings: [
      { key: 'page_id', label: 'pageId', type: 'text', required: true, help: 'pageId' },
      { key: 'limit', label: 'limit', type: 'integer', min: 1, max: 100, help: 'graphLimit' },
      { key: 'api_base', label: 'apiBase', type: 'url', help: 'graphApiBase' },
    ],
    credentials: [{ key: 'access_token', label: 'pageAccessToken', type: 'password', required: true, help: 'pageAccessToken' }],
  },
  {
    id: 'instagram_media',
    platforms: ['instagram'],
    mode: 'poll',
    settings: [
      { key: 'ig_user_id', label: 'igUserId', type: 'text', required: true, help: 'igUserId' },
      { key: 'limit', label: 'limit', type: 'integer', min: 1, max: 100, help: 'igLimit' },
      { key: 'api_base', label: 'apiBase', type: 'url', help: 'graphApiBase' },
    ],
    credentials: [{ key: 'access_token', label: 'accessToken', type: 'password', required: true, help: 'igAccessToken' }],
  },
  {
    id: 'bluesky_jetstream',
    platforms: ['bluesky'],
    mode: 'stream',
    settings: [
      { key: 'keywords', label: 'keywords', type: 'lines', help: 'keywords' },
      { key: 'wanted_dids', label: 'wantedDids', type: 'lines', help: 'wantedDids' },
      { key: 'langs', label: 'langs', type: 'lines', help: 'langs' },
      { key: 'jetstream_url', label: 'jetstreamUrl', type: 'wsurl', help: 'jetstreamUrl' },
      { key: 'service', label: 'service', type: 'url', help: 'service' },
    ],
    credentials: [
      { key: 'identifier', label: 'identifier', type: 'text', help: 'identifier' },
      { key: 'app_password', label: 'appPassword', type: 'password', help: 'appPassword' },
    ],
  },
  // Webhooks: the platform pushes to /hooks/<kind>/<connector id>, signed with these secrets.
  {
    id: 'webhook_meta',
    platforms: ['facebook', 'instagram'],
    mode: 'webhook',
    fixed: { webhook: 'meta' },
    settings: [],
    credentials: META_CREDENTIALS,
  },
  {
    id: 'webhook_whatsapp',
    platforms: ['whatsapp'],
    mode: 'webhook',
    fixed: { webhook: 'whatsapp' },
    settings: [],
    credentials: META_CREDENTIALS,
  },
  {
    id: 'webhook_x',
    platforms: ['x'],
    mode: 'webhook',
    fixed: { webhook: 'x' },
    settings: [],
    credentials: [{ key: 'consumer_secret', label: 'consumerSecret', type: 'password', required: true, help: 'consumerSecret' }],
  },
  {
    id: 'webhook_telegram',
    platforms: ['telegram'],
    mode: 'webhook',
    fixed: { webhook: 'telegram' },
    settings: [],
    credentials: [{ key: 'secret_token', label: 'secretToken', type: 'password', required: true, help: 'secretToken' }],
  },
  {
    id: 'webhook_standard',
    platforms: [...PLATFORMS.filter((p) => p === 'other'), ...PLATFORMS.filter((p) => p !== 'other')],
    mode: 'webhook',
    fixed: { webhook: 'standard' },
    settings: [],
    credentials: [{ key: 'secret', label: 'standardSecret', type: 'password', required: true, help: 'standardSecret' }],
  },
]

/** The generic kind for connectors this client has no form for. */
export const GENERIC_KIND: KindSpec = { id: 'generic', platforms: [], mode: 'poll', settings: [], credentials: [] }

export function kindById(id: string): KindSpec {
  return KINDS.find((k) => k.id === id) ?? GENERIC_KIND
}

/** The kind of a stored connector: the first kind whose platform and fixed settings match. */
export function kindOf(c: Pick<Connector, 'platform' | 'settings'>): KindSpec {
  for (const k of KINDS) {
    if (!k.platforms.includes(c.platform)) continue
    const fixed = k.fixed ?? {}
    if (Object.entries(fixed).every(([key, value]) => c.settings[key] === value)) {
      if (!k.fixed && typeof c.settings.webhook === 'string') continue
      return k
    }
  }
  return GENERIC_KIND
}

export type Tone = 'success' | 'danger' | 'warning' | 'neutral' | 'info'

export function statusTone(s: ConnectorStatus): Tone {
  return s === 'ok' ? 'success' : s === 'failing' ? 'danger' : s === 'pending' ? 'info' : 'neutral'
}

export interface BudgetView {
  used: number
  budget: number
  /** 0–1, capped at 1 for the bar. */
  fraction: number
  tone: Tone
}

/** The monthly read budget bar, or null without a budget. Usage of a past month counts as 0 (the
 * server restarts counting when the month changes). `month` is the current "YYYY-MM" (UTC). */
export function budgetView(c: Pick<Connector, 'read_budget_monthly' | 'reads_used' | 'reads_month'>, month: string): BudgetView | null {
  if (c.read_budget_monthly === null || c.read_budget_monthly === undefined) return null
  const budget = c.read_budget_monthly
  const used = c.reads_month === month ? c.reads_used : 0
  const fraction = budget <= 0 ? (used > 0 ? 1 : 0) : Math.min(1, used / budget)
  const tone: Tone = budget === 0 || fraction >= 1 ? 'danger' : fraction >= 0.8 ? 'warning' : 'success'
  return { used, budget, fraction: budget === 0 ? 1 : fraction, tone }
}

export function currentMonth(now: Date = new Date()): string {
  return now.toISOString().slice(0, 7)
}

/** Connectors grouped by agency (name order), keeping the server's order inside a group. */
export function groupByAgency(items: Connector[]): { agency_id: number; agency_name: string; items: Connector[] }[] {
  const groups = new Map<number, { agency_id: number; agency_name: string; items: Connector[] }>()
  for (const c of items) {
    let g = groups.get(c.agency_id)
    if (!g) groups.set(c.agency_id, (g = { agency_id: c.agency_id, agency_name: c.agency_name, items: [] }))
    g.items.push(c)
  }
  return [...groups.values()].sort((a, b) => a.agency_name.localeCompare(b.agency_name, 'id'))
}

export interface FormState {
  kind: string
  platform: Platform
  name: string
  settings: Record<string, string>
  /** Generic kind: the settings as JSON text. */
  settingsJson: string
  credentials: Record<string, string>
  /** Generic kind: credentials as JSON text ("" = keep). */
  credentialsJson: string
  clearCredentials: boolean
  enabled: boolean
  pollMinutes: number
  budget: string
}

export type FormProblem = { field: string; reason: 'required' | 'url' | 'wsurl' | 'json' | 'json_strings' | 'interval' | 'budget' | 'range' | 'one_of' | 'one_of_video' }

function isHttpUrl(s: string): boolean {
  return /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(s)
}

/**
 * The request body for a create or an edit, or the first problem found before sending. Credentials
 * are sent only when the user typed some (they replace every stored credential of the connector) or
 * asked to clear them; otherwise the stored ones stay untouched.
 */
export function buildInput(form: FormState, opts: { canBudget: boolean; editing: boolean }): { input: ConnectorInput } | { problem: FormProblem } {
  const kind = kindById(form.kind)
  if (!form.name.trim()) return { problem: { field: 'name', reason: 'required' } }
  let settings: Record<string, unknown>
  if (kind === GENERIC_KIND) {
    try {
      const parsed: unknown = JSON.parse(form.settingsJson.trim() || '{}')
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { problem: { field: 'settings', reason: 'json' } }
      settings = parsed as Record<string, unknown>
    } catch {
      return { problem: { field: 'settings', reason: 'json' } }
    }
  } else {
    settings = { ...(kind.fixed ?? {}) }
    for (const f of kind.settings) {
      const v = (form.settings[f.key] ?? '').trim()
      if (!v) {
        if (f.required) return { problem: { field: `settings.${f.key}`, reason: 'required' } }
        continue
      }
      if (f.type === 'url' && !isHttpUrl(v)) return { problem: { field: `settings.${f.key}`, reason: 'url' } }
      if (f.type === 'wsurl' && !/^wss?:\/\/[^\s/$.?#][^\s?#]*$/i.test(v)) return { problem: { field: `settings.${f.key}`, reason: 'wsurl' } }
      if (f.type === 'flag') {
        if (v === 'true') settings[f.key] = true
        continue
      }
      if (f.type === 'lines') {
        const items = v.split(/[\n,]/).map((x) => x.trim()).filter((x) => x)
        if (items.length) settings[f.key] = items
        continue
      }
      if (f.type === 'integer') {
        const n = Number(v)
        if (!/^\d+$/.test(v) || (f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max))
          return { problem: { field: `settings.${f.key}`, reason: 'range' } }
        settings[f.key] = n
        continue
      }
      settings[f.key] = v
    }
  }
  if (kind.id === 'mastodon_timeline' && Number('hashtag' in settings) + Number('account_id' in settings) + Number('local' in settings) !== 1)
    return { problem: { field: 'settings.hashtag', reason: 'one_of' } }
  if (kind.id === 'youtube_comments' && ('video_id' in settings) === ('channel_id' in settings))
    return { problem: { field: 'settings.video_id', reason: 'one_of_video' } }
  const minutes = Number(form.pollMinutes)
  if (kind.mode === 'poll' && (!Number.isInteger(minutes) || minutes < 1 || minutes > 10080)) return { problem: { field: 'poll', reason: 'interval' } }
  const input: ConnectorInput = {
    name: form.name.trim(),
    settings,
    enabled: form.enabled,
    // A webhook connector is never polled; its stored interval is kept (or the default).
    poll_interval_seconds: Number.isInteger(minutes) && minutes >= 1 && minutes <= 10080 ? minutes * 60 : 900,
  }
  if (form.clearCredentials) {
    input.credentials = null
  } else if (kind === GENERIC_KIND) {
    if (form.credentialsJson.trim()) {
      let parsed: unknown
      try {
        parsed = JSON.parse(form.credentialsJson)
      } catch {
        return { problem: { field: 'credentials', reason: 'json' } }
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string'))
        return { problem: { field: 'credentials', reason: 'json_strings' } }
      input.credentials = parsed as Record<string, string>
    }
  } else {
    const typed = Object.fromEntries(kind.credentials.map((f) => [f.key, (form.credentials[f.key] ?? '').trim()]).filter(([, v]) => v))
    if (Object.keys(typed).length > 0) {
      // Replacing: every required credential must be given again.
      for (const f of kind.credentials)
        if (f.required && !typed[f.key]) return { problem: { field: `credentials.${f.key}`, reason: 'required' } }
      input.credentials = typed
    } else if (!opts.editing) {
      const missing = kind.credentials.find((f) => f.required)
      if (missing) return { problem: { field: `credentials.${missing.key}`, reason: 'required' } }
    }
  }
  if (opts.canBudget) {
    const b = form.budget.trim()
    if (b === '') input.read_budget_monthly = null
    else if (!/^\d+$/.test(b) || Number(b) > Number.MAX_SAFE_INTEGER) return { problem: { field: 'budget', reason: 'budget' } }
    else input.read_budget_monthly = Number(b)
  }
  return { input }
}

/** The form for a new connector of `kind`. */
export function emptyForm(kind: KindSpec): FormState {
  return {
    kind: kind.id,
    platform: kind.platforms[0] ?? 'other',
    name: '',
    settings: Object.fromEntries(kind.settings.map((f) => [f.key, ''])),
    settingsJson: '{}',
    credentials: Object.fromEntries(kind.credentials.map((f) => [f.key, ''])),
    credentialsJson: '',
    clearCredentials: false,
    enabled: true,
    pollMinutes: 15,
    budget: '',
  }
}

/** The form to edit a stored connector (credentials are never shown back: the fields start empty). */
export function formOf(c: Connector): FormState {
  const kind = kindOf(c)
  const form = emptyForm(kind)
  form.platform = c.platform
  form.name = c.name
  for (const f of kind.settings) {
    const v = c.settings[f.key]
    form.settings[f.key] = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v === true ? 'true' : Array.isArray(v) ? v.join('\n') : ''
  }
  form.settingsJson = JSON.stringify(c.settings, null, 2)
  form.enabled = c.enabled
  form.pollMinutes = Math.max(1, Math.round(c.poll_interval_seconds / 60))
  form.budget = c.read_budget_monthly === null ? '' : String(c.read_budget_monthly)
  return form
}
