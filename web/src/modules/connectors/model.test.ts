import { describe, expect, it } from 'vitest'
import { GENERIC_KIND, budgetView, buildInput, emptyForm, formOf, groupByAgency, kindById, kindOf, type Connector } from './model'

function connector(over: Partial<Connector> = {}): Connector {
  return {
    id: 1, agency_id: 2, agency_name: 'Dinas Kesehatan', platform: 'rss', name: 'Berita', settings: { url: 'https://a.example/f.xml' },
    credentials: 'not_set', enabled: true, poll_interval_seconds: 900, status: 'ok', last_success_at: null, last_error_at: null,
    last_error: '', next_run_at: null, consecutive_failures: 0, items_total: 0, read_budget_monthly: null, reads_month: '',
    reads_used: 0, created_at: '', updated_at: '', ...over,
  }
}

describe('kindOf', () => {
  it('knows RSS feeds and the pull connectors, and falls back to the generic kind for the rest', () => {
    expect(kindOf(connector()).id).toBe('rss')
    expect(kindOf(connector({ platform: 'x', settings: { query: 'banjir' } })).id).toBe('x_search')
    expect(kindOf(connector({ platform: 'telegram', settings: {} })).id).toBe('telegram_updates')
    expect(kindOf(connector({ platform: 'mastodon', settings: { instance_url: 'https://m.example', hashtag: 'berau' } })).id).toBe('mastodon_timeline')
    expect(kindOf(connector({ platform: 'youtube', settings: {} })).id).toBe('youtube_comments')
    expect(kindOf(connector({ platform: 'facebook', settings: { page_id: '19292868552' } })).id).toBe('facebook_page')
    expect(kindOf(connector({ platform: 'facebook', settings: { webhook: 'meta' } })).id).toBe('webhook_meta')
    expect(kindOf(connector({ platform: 'instagram', settings: { ig_user_id: '17841406338772941' } })).id).toBe('instagram_media')
    expect(kindOf(connector({ platform: 'bluesky', settings: { keywords: ['banjir'] } })).id).toBe('bluesky_jetstream')
    expect(kindOf(connector({ platform: 'tiktok', settings: {} }))).toBe(GENERIC_KIND)
    // An RSS connector carrying a webhook marker is not a feed poller.
    expect(kindOf(connector({ platform: 'rss', settings: { webhook: 'pager' } }))).toBe(GENERIC_KIND)
  })
  it('knows webhook connectors by their settings.webhook and platform', () => {
    expect(kindOf(connector({ platform: 'instagram', settings: { webhook: 'meta' } })).id).toBe('webhook_meta')
    expect(kindOf(connector({ platform: 'telegram', settings: { webhook: 'telegram' } })).id).toBe('webhook_telegram')
    expect(kindOf(connector({ platform: 'rss', settings: { webhook: 'standard' } })).id).toBe('webhook_standard')
    expect(kindOf(connector({ platform: 'x', settings: { webhook: 'meta' } }))).toBe(GENERIC_KIND)
  })
})

describe('budgetView', () => {
  it('is absent without a budget', () => {
    expect(budgetView(connector(), '2026-11')).toBeNull()
  })
  it('shows this month’s usage with a tone that warns at 80% and at the limit', () => {
    const c = connector({ read_budget_monthly: 10000, reads_used: 2500, reads_month: '2026-11' })
    expect(budgetView(c, '2026-11')).toEqual({ used: 2500, budget: 10000, fraction: 0.25, tone: 'success' })
    expect(budgetView({ ...c, reads_used: 8000 }, '2026-11')?.tone).toBe('warning')
    expect(budgetView({ ...c, reads_used: 12000 }, '2026-11')).toMatchObject({ fraction: 1, tone: 'danger' })
  })
  it('counts a past month’s usage as nothing (the server restarts counting)', () => {
    const c = connector({ read_budget_monthly: 100, reads_used: 90, reads_month: '2026-10' })
    expect(budgetView(c, '2026-11')).toMatchObject({ used: 0, fraction: 0 })
  })
  it('a zero budget is full', () => {
    expect(budgetView(connector({ read_budget_monthly: 0 }), '2026-11')).toMatchObject({ fraction: 1, tone: 'danger' })
  })
})

describe('buildInput', () => {
  const rss = () => ({ ...emptyForm(kindById('rss')), name: ' Berita ', settings: { url: 'https://a.example/feed' } })
  it('builds an RSS connector with minutes turned into seconds', () => {
    const r = buildInput({ ...rss(), pollMinutes: 5 }, { canBudget: false, editing: false })
    expect(r).toEqual({ input: { name: 'Berita', settings: { url: 'https://a.example/feed' }, enabled: true, poll_interval_seconds: 300 } })
  })
  it('refuses a missing name, a bad address and a bad interval before sending', () => {
    expect(buildInput({ ...rss(), name: ' ' }, { canBudget: false, editing: false })).toEqual({ problem: { field: 'name', reason: 'required' } })
    expect(buildInput({ ...rss(), settings: { url: 'ftp://a' } }, { canBudget: false, editing: false })).toEqual({ problem: { field: 'settings.url', reason: 'url' } })
    expect(buildInput({ ...rss(), settings: { url: '' } }, { canBudget: false, editing: false })).toEqual({ problem: { field: 'settings.url', reason: 'required' } })
    expect(buildInput({ ...rss(), pollMinutes: 0 }, { canBudget: false, editing: false })).toEqual({ problem: { field: 'poll', reason: 'interval' } })
  })
  it('sends a budget only for those who may set it; empty clears it', () => {
    const admin = buildInput({ ...rss(), budget: '10000' }, { canBudget: true, editing: false })
    expect('input' in admin && admin.input.read_budget_monthly).toBe(10000)
    const cleared = buildInput({ ...rss(), budget: '' }, { canBudget: true, editing: true })
    expect('input' in cleared && cleared.input.read_budget_monthly).toBeNull()
    const other = buildInput({ ...rss(), budget: '10000' }, { canBudget: false, editing: false })
    expect('input' in other && 'read_budget_monthly' in other.input).toBe(false)
    expect(buildInput({ ...rss(), budget: '-1' }, { canBudget: true, editing: false })).toEqual({ problem: { field: 'budget', reason: 'budget' } })
  })
  it('generic kind: settings and credentials as JSON; credentials absent unless typed; clear sends null', () => {
    const base = { ...emptyForm(GENERIC_KIND), name: 'X', settingsJson: '{"query":"banjir"}' }
    const keep = buildInput(base, { canBudget: false, editing: true })
    expect(keep).toEqual({ input: { name: 'X', settings: { query: 'banjir' }, enabled: true, poll_interval_seconds: 900 } })
    const set = buildInput({ ...base, credentialsJson: '{"bearer_token":"t"}' }, { canBudget: false, editing: true })
    expect('input' in set && set.input.credentials).toEqual({ bearer_token: 't' })
    expect(buildInput({ ...base, credentialsJson: '{"n":1}' }, { canBudget: false, editing: true })).toEqual({ problem: { field: 'credentials', reason: 'json_strings' } })
    expect(buildInput({ ...base, settingsJson: '[1]' }, { canBudget: false, editing: true })).toEqual({ problem: { field: 'settings', reason: 'json' } })
    const clear = buildInput({ ...base, credentialsJson: '{"a":"b"}', clearCredentials: true }, { canBudget: false, editing: true })
    expect('input' in clear && clear.input.credentials).toBeNull()
  })
})

describe('pull kinds', () => {
  it('send integer settings as numbers within their bounds', () => {
    const x = { ...emptyForm(kindById('x_search')), name: 'X', settings: { query: 'banjir berau', max_results: '50', api_base: '' }, credentials: { bearer_token: 't' } }
    const r = buildInput(x, { canBudget: true, editing: false })
    expect(r).toMatchObject({ input: { settings: { query: 'banjir berau', max_results: 50 }, credentials: { bearer_token: 't' }, read_budget_monthly: null } })
    expect(buildInput({ ...x, settings: { ...x.settings, max_results: '500' } }, { canBudget: false, editing: false })).toEqual({ problem: { field: 'settings.max_results', reason: 'range' } })
    expect(buildInput({ ...x, settings: { ...x.settings, max_results: '5x' } }, { canBudget: false, editing: false })).toEqual({ problem: { field: 'settings.max_results', reason: 'range' } })
  })
  it('Mastodon needs exactly one of hashtag and account', () => {
    const m = { ...emptyForm(kindById('mastodon_timeline')), name: 'M', settings: { instance_url: 'https://m.example', hashtag: '', account_id: '', limit: '' } }
    expect(buildInput(m, { canBudget: false, editing: false })).toEqual({ problem: { field: 'settings.hashtag', reason: 'one_of' } })
    expect(buildInput({ ...m, settings: { ...m.settings, hashtag: 'berau', account_id: '1' } }, { canBudget: false, editing: false })).toEqual({ problem: { field: 'settings.hashtag', reason: 'one_of' } })
    expect(buildInput({ ...m, settings: { ...m.settings, hashtag: 'berau' } }, { canBudget: false, editing: false })).toMatchObject({ input: { settings: { instance_url: 'https://m.example', hashtag: 'berau' } } })
  })
  it('Bluesky sends keyword and account lists, a ws address, and no interval rule', () => {
    const b = { ...emptyForm(kindById('bluesky_jetstream')), name: 'B', pollMinutes: 0, settings: { keywords: 'banjir\n Berau ,longsor\n\n', wanted_dids: '', langs: 'id', jetstream_url: '', service: '' } }
    expect(buildInput(b, { canBudget: false, editing: false })).toMatchObject({ input: { settings: { keywords: ['banjir', 'Berau', 'longsor'], langs: ['id'] } } })
    const sent = buildInput(b, { canBudget: false, editing: false })
    expect('input' in sent && 'wanted_dids' in sent.input.settings).toBe(false)
    expect(buildInput({ ...b, settings: { ...b.settings, jetstream_url: 'https://x/subscribe' } }, { canBudget: false, editing: false })).toEqual({ problem: { field: 'settings.jetstream_url', reason: 'wsurl' } })
    const stored = formOf(connector({ platform: 'bluesky', settings: { keywords: ['banjir', 'longsor'], wanted_dids: ['did:plc:abc'] } }))
    expect(stored.settings).toMatchObject({ keywords: 'banjir\nlongsor', wanted_dids: 'did:plc:abc' })
  })
  it('Mastodon local timeline and stream are flags; YouTube needs a video or a channel', () => {
    const m = { ...emptyForm(kindById('mastodon_timeline')), name: 'M', settings: { instance_url: 'https://m.example', hashtag: '', account_id: '', local: 'true', limit: '', stream: 'true' } }
    expect(buildInput(m, { canBudget: false, editing: false })).toMatchObject({ input: { settings: { local: true, stream: true } } })
    expect(buildInput({ ...m, settings: { ...m.settings, hashtag: 'berau' } }, { canBudget: false, editing: false })).toEqual({ problem: { field: 'settings.hashtag', reason: 'one_of' } })
    expect(formOf(connector({ platform: 'mastodon', settings: { instance_url: 'https://m.example', local: true, stream: true } })).settings).toMatchObject({ local: 'true', stream: 'true' })
    const y = { ...emptyForm(kindById('youtube_comments')), name: 'Y', settings: { video_id: '', channel_id: '', max_results: '', daily_quota_units: '500', api_base: '' }, credentials: { api_key: 'k' } }
    expect(buildInput(y, { canBudget: false, editing: false })).toEqual({ problem: { field: 'settings.video_id', reason: 'one_of_video' } })
    expect(buildInput({ ...y, settings: { ...y.settings, video_id: 'dQw4w9WgXcQ' } }, { canBudget: false, editing: false })).toMatchObject({ input: { settings: { video_id: 'dQw4w9WgXcQ', daily_quota_units: 500 }, credentials: { api_key: 'k' } } })
  })
  it('edit form shows stored numbers as text', () => {
    expect(formOf(connector({ platform: 'x', settings: { query: 'q', max_results: 20 } })).settings).toMatchObject({ query: 'q', max_results: '20' })
  })
})

describe('webhook kinds', () => {
  const meta = () => ({ ...emptyForm(kindById('webhook_meta')), name: 'FB' })
  it('store the kind in settings and need the signing secret when created', () => {
    expect(buildInput(meta(), { canBudget: false, editing: false })).toEqual({ problem: { field: 'credentials.app_secret', reason: 'required' } })
    const r = buildInput({ ...meta(), credentials: { app_secret: ' s ', verify_token: '' } }, { canBudget: false, editing: false })
    expect(r).toEqual({ input: { name: 'FB', settings: { webhook: 'meta' }, enabled: true, poll_interval_seconds: 900, credentials: { app_secret: 's' } } })
  })
  it('keep stored secrets on edit unless typed; typing only the optional one asks for the secret again', () => {
    const keep = buildInput(meta(), { canBudget: false, editing: true })
    expect('input' in keep && 'credentials' in keep.input).toBe(false)
    expect(buildInput({ ...meta(), credentials: { app_secret: '', verify_token: 'v' } }, { canBudget: false, editing: true }))
      .toEqual({ problem: { field: 'credentials.app_secret', reason: 'required' } })
  })
})

describe('formOf', () => {
  it('fills the form from a stored connector, credentials never', () => {
    const f = formOf(connector({ credentials: 'set', poll_interval_seconds: 3600, read_budget_monthly: 5 }))
    expect(f).toMatchObject({ kind: 'rss', name: 'Berita', settings: { url: 'https://a.example/f.xml' }, pollMinutes: 60, budget: '5' })
    expect(f.credentialsJson).toBe('')
  })
})

describe('groupByAgency', () => {
  it('groups by agency in name order', () => {
    const g = groupByAgency([connector({ id: 1, agency_id: 3, agency_name: 'BPBD' }), connector({ id: 2 }), connector({ id: 3, agency_id: 3, agency_name: 'BPBD' })])
    expect(g.map((x) => [x.agency_name, x.items.map((c) => c.id)])).toEqual([['BPBD', [1, 3]], ['Dinas Kesehatan', [2]]])
  })
})

describe('X filtered stream kind', () => {
  it('is told from the recent search by settings.stream', () => {
    expect(kindOf(connector({ platform: 'x', settings: { stream: true } })).id).toBe('x_stream')
    expect(kindOf(connector({ platform: 'x', settings: { stream: true, rules: ['banjir'] } })).mode).toBe('stream')
    expect(kindOf(connector({ platform: 'x', settings: { query: 'banjir' } })).id).toBe('x_search')
  })
  it('sends stream: true, the typed rules as a list and the plan limits, and needs the token', () => {
    const form = emptyForm(kindById('x_stream'))
    form.name = 'Aliran X'
    expect(buildInput(form, { canBudget: true, editing: false })).toEqual({ problem: { field: 'credentials.bearer_token', reason: 'required' } })
    form.credentials.bearer_token = 'AAAA'
    form.settings.rules = 'banjir berau\n#vaksin lang:id'
    form.settings.backfill_minutes = '2'
    form.budget = '10000'
    const built = buildInput(form, { canBudget: true, editing: false })
    expect(built).toEqual({
      input: {
        name: 'Aliran X',
        settings: { stream: true, rules: ['banjir berau', '#vaksin lang:id'], backfill_minutes: 2 },
        enabled: true,
        poll_interval_seconds: 900,
        credentials: { bearer_token: 'AAAA' },
        read_budget_monthly: 10000,
      },
    })
    form.settings.backfill_minutes = '6'
    expect(buildInput(form, { canBudget: true, editing: false })).toEqual({ problem: { field: 'settings.backfill_minutes', reason: 'range' } })
  })
  it('edits a stored stream without its fixed marker in the fields', () => {
    const form = formOf(connector({ platform: 'x', settings: { stream: true, rules: ['a', 'b'], max_rules: 25 } }))
    expect(form.kind).toBe('x_stream')
    expect(form.settings.rules).toBe('a\nb')
    expect(form.settings.max_rules).toBe('25')
    expect('stream' in form.settings).toBe(false)
  })
})
