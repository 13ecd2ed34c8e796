import { describe, expect, it } from 'vitest'
import { actions, alertTitle, applyLive, evidenceLocation, inState, settingsBody, type Alert, type AlertSettings, type AlertState } from './model'

const alert = (id: number, state: AlertState = 'open', version = 1): Alert => ({
  id,
  agency_id: 2,
  agency_name: 'Dinas Kesehatan',
  query_id: 4,
  query_name: 'Banjir',
  kind: 'spike',
  state,
  opened_at: '2026-11-23T10:00:00Z',
  last_hot_at: '2026-11-23T10:00:00Z',
  acknowledged_at: null,
  acknowledged_by: null,
  closed_at: null,
  closed_by: null,
  close_note: '',
  version,
  window_start: '2026-11-23T10:00:00Z',
  window_end: '2026-11-23T11:00:00Z',
  observed: 30,
  baseline: 2,
  score: 14,
  details: {},
  evidence_ids: [],
  evidence_url: '/mentions?query_id=4&since=2026-11-23T10:00:00Z&until=2026-11-23T11:00:00Z',
})

describe('evidenceLocation', () => {
  it('splits a search link into path and query', () => {
    expect(evidenceLocation(alert(1).evidence_url)).toEqual({
      path: '/mentions',
      query: { query_id: '4', since: '2026-11-23T10:00:00Z', until: '2026-11-23T11:00:00Z' },
    })
  })
  it('keeps a detail link as a path', () => {
    expect(evidenceLocation('/mentions/12')).toEqual({ path: '/mentions/12', query: {} })
  })
})

describe('applyLive', () => {
  it('puts a new alert on top and replaces a known one in place', () => {
    const list = [alert(2), alert(1)]
    expect(applyLive(list, alert(3), '').map((a) => a.id)).toEqual([3, 2, 1])
    const updated = { ...alert(1), score: 20 }
    const next = applyLive(list, updated, '')
    expect(next.map((a) => a.id)).toEqual([2, 1])
    expect(next[1].score).toBe(20)
  })
  it('drops an alert that left the filtered state', () => {
    expect(applyLive([alert(2), alert(1)], alert(1, 'closed', 2), 'open').map((a) => a.id)).toEqual([2])
    expect(applyLive([], alert(5, 'closed'), 'open')).toEqual([])
  })
  it('keeps an acknowledged alert among the active ones, with what only the list knew', () => {
    const listed = { ...alert(1), can_handle: true }
    const next = applyLive([listed], alert(1, 'acknowledged', 2), 'active')
    expect(next.map((a) => [a.id, a.state, a.can_handle])).toEqual([[1, 'acknowledged', true]])
    expect(applyLive(next, alert(1, 'closed', 3), 'active')).toEqual([])
  })
  it('ignores a live event older than the listed alert', () => {
    const listed = [alert(1, 'closed', 3)]
    expect(applyLive(listed, alert(1, 'open', 1), '')).toBe(listed)
  })
})

describe('inState and actions', () => {
  it('filters by one state, active (not closed) or none', () => {
    expect(inState({ state: 'acknowledged' }, 'active')).toBe(true)
    expect(inState({ state: 'closed' }, 'active')).toBe(false)
    expect(inState({ state: 'closed' }, '')).toBe(true)
    expect(inState({ state: 'open' }, 'acknowledged')).toBe(false)
  })
  it('offers acknowledge on open alerts and close until closed, only to those who may', () => {
    expect(actions({ state: 'open', can_handle: true })).toEqual({ acknowledge: true, close: true })
    expect(actions({ state: 'acknowledged', can_handle: true })).toEqual({ acknowledge: false, close: true })
    expect(actions({ state: 'closed', can_handle: true })).toEqual({ acknowledge: false, close: false })
    expect(actions({ state: 'open', can_handle: false })).toEqual({ acknowledge: false, close: false })
    expect(actions({ state: 'open' })).toEqual({ acknowledge: false, close: false })
  })
})

describe('settingsBody', () => {
  it('sends numbers and a trimmed chat id, never can_edit or updated_at', () => {
    const s: AlertSettings = {
      agency_id: 2, enabled: true, spike_score: '5' as unknown as number, spike_min_count: 10, negative_score: 4,
      negative_min_count: 5, negative_min_share: 0.4, hoax_threshold: 0.8, calm_hours: 2,
      telegram_chat_id: ' -100123 ', updated_at: null, version: 3, can_edit: true,
    }
    const body = settingsBody(s)
    expect(body.spike_score).toBe(5)
    expect(body.telegram_chat_id).toBe('-100123')
    expect(body.version).toBe(3)
    expect('can_edit' in body).toBe(false)
    expect('agency_id' in body).toBe(false)
  })
})

describe('alertTitle', () => {
  const t = (key: string, values: Record<string, unknown>) => `${key}:${JSON.stringify(values)}`
  it('names the query, else the agency topic, and hoax matches by agency', () => {
    expect(alertTitle(alert(1), t)).toBe('Banjir')
    expect(alertTitle({ ...alert(1), query_name: '' }, t)).toBe('alerts.queryN:{"id":4}')
    expect(alertTitle({ ...alert(1), query_id: null }, t)).toBe('alerts.topic:{"agency":"Dinas Kesehatan"}')
    expect(alertTitle({ ...alert(1), kind: 'hoax', query_id: null }, t)).toBe('alerts.hoaxTitle:{"agency":"Dinas Kesehatan"}')
  })
})
