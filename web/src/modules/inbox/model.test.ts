import { describe, expect, it } from 'vitest'
import {
  DEFAULT_FILTER, allowedTransitions, appendPage, applyCase, charCount, charsLeft, colleagueLabel, compareCases, composeReason, filterQuery,
  replyLength, targetTree, xWeightedLength,
  matchesFilter, newIdempotencyKey, noteMentions, noteParts, notificationTarget, openTotal,
} from './model'
import type { Case, DispositionTarget } from './types'

function mk(id: number, over: Partial<Case> = {}): Case {
  return {
    id, agency_id: 2, agency_name: 'Dinas', timezone: 'Asia/Makassar', platform: 'x',
    citizen: { handle: 'warga', name: 'Warga' }, subject: 'Jalan rusak di Tanjung Redeb', input_kind: 'keluhan',
    state: 'baru', reopened: 0, priority: 'normal', assignee: null, mention_count: 1,
    first_mention_at: '2026-11-23T01:00:00.000Z', last_mention_at: `2026-11-23T0${id}:00:00.000Z`,
    first_response_at: null, closed_at: null, due_at: null, sla: null, version: 1,
    created_at: '2026-11-23T01:00:00.000Z', updated_at: '2026-11-23T01:00:00.000Z', ...over,
  }
}
const within = (id: number, ancestor: number) => id === ancestor || (id === 2 && ancestor === 1)

describe('filterQuery', () => {
  it('asks for every open state by default, sorted by activity', () => {
    expect(filterQuery(DEFAULT_FILTER)).toEqual({ sort: 'activity', state: 'baru,dibuka,dibuka_kembali,menunggu_instansi,dijawab' })
  })
  it('turns tabs and filters into the API query', () => {
    expect(filterQuery({ ...DEFAULT_FILTER, tab: 'selesai', sort: 'due', agencyId: 5, assignee: 'none', priority: 'tinggi', q: ' banjir ' }))
      .toEqual({ sort: 'due', state: 'selesai', agency_id: 5, assignee: 'none', priority: 'tinggi', q: 'banjir' })
    expect(filterQuery({ ...DEFAULT_FILTER, tab: 'mine' }).assignee).toBe('me')
    expect(filterQuery({ ...DEFAULT_FILTER, tab: 'overdue' }).overdue).toBe(true)
  })
})

describe('matchesFilter', () => {
  it('checks state, agency subtree, assignee, priority, overdue and words', () => {
    const c = mk(1, { assignee: { id: 7, username: 'siti', display_name: 'Siti' } })
    expect(matchesFilter(c, DEFAULT_FILTER, 7, within)).toBe(true)
    expect(matchesFilter(c, { ...DEFAULT_FILTER, tab: 'selesai' }, 7, within)).toBe(false)
    expect(matchesFilter(c, { ...DEFAULT_FILTER, agencyId: 1 }, 7, within)).toBe(true)
    expect(matchesFilter(c, { ...DEFAULT_FILTER, agencyId: 3 }, 7, within)).toBe(false)
    expect(matchesFilter(c, { ...DEFAULT_FILTER, tab: 'mine' }, 7, within)).toBe(true)
    expect(matchesFilter(c, { ...DEFAULT_FILTER, tab: 'mine' }, 8, within)).toBe(false)
    expect(matchesFilter(c, { ...DEFAULT_FILTER, assignee: 'none' }, 7, within)).toBe(false)
    expect(matchesFilter(c, { ...DEFAULT_FILTER, priority: 'tinggi' }, 7, within)).toBe(false)
    expect(matchesFilter(c, { ...DEFAULT_FILTER, overdue: true }, 7, within)).toBe(false)
    expect(matchesFilter(c, { ...DEFAULT_FILTER, q: 'jalan REDEB' }, 7, within)).toBe(true)
    expect(matchesFilter(c, { ...DEFAULT_FILTER, q: 'banjir' }, 7, within)).toBe(false)
    expect(matchesFilter(c, { ...DEFAULT_FILTER, sort: 'due' }, 7, within)).toBe(false)
    expect(matchesFilter({ ...c, due_at: '2026-11-24T01:00:00.000Z' }, { ...DEFAULT_FILTER, sort: 'due' }, 7, within)).toBe(true)
  })
})

describe('ordering and paging', () => {
  it('sorts by activity newest first and by deadline with undated cases last', () => {
    const a = mk(1)
    const b = mk(2)
    expect([a, b].sort((x, y) => compareCases(x, y, 'activity')).map((c) => c.id)).toEqual([2, 1])
    const d1 = mk(3, { due_at: '2026-11-24T01:00:00.000Z' })
    const d2 = mk(4, { due_at: '2026-11-23T05:00:00.000Z' })
    expect([a, d1, d2].sort((x, y) => compareCases(x, y, 'due')).map((c) => c.id)).toEqual([4, 3, 1])
  })

  it('prefers the server\'s last_activity_at', () => {
    const a = mk(1, { last_activity_at: '2026-11-23T12:00:00.000Z' })
    expect([mk(2), a].sort((x, y) => compareCases(x, y, 'activity')).map((c) => c.id)).toEqual([1, 2])
  })

  it('appends a page without repeating cases', () => {
    expect(appendPage([mk(3), mk(2)], [mk(2), mk(1)]).map((c) => c.id)).toEqual([3, 2, 1])
  })
})

describe('applyCase', () => {
  const list = [mk(3), mk(2), mk(1)]
  it('moves a changed case to its new place', () => {
    const moved = mk(1, { version: 2, last_mention_at: '2026-11-23T09:00:00.000Z' })
    expect(applyCase(list, moved, true, 'activity', false).map((c) => c.id)).toEqual([1, 3, 2])
  })
  it('drops a case that no longer matches', () => {
    expect(applyCase(list, mk(2, { version: 2 }), false, 'activity', false).map((c) => c.id)).toEqual([3, 1])
  })
  it('ignores an older version than the one shown', () => {
    const shown = [mk(1, { version: 5, priority: 'tinggi' })]
    expect(applyCase(shown, mk(1, { version: 4 }), false, 'activity', false)).toBe(shown)
  })
  it('inserts a new case, but not past the loaded range while more pages exist', () => {
    expect(applyCase(list, mk(5), true, 'activity', true).map((c) => c.id)).toEqual([5, 3, 2, 1])
    const old = mk(9, { last_mention_at: '2026-11-22T00:00:00.000Z', updated_at: '2026-11-22T00:00:00.000Z' })
    expect(applyCase(list, old, true, 'activity', true).map((c) => c.id)).toEqual([3, 2, 1])
    expect(applyCase(list, old, true, 'activity', false).map((c) => c.id)).toEqual([3, 2, 1, 9])
  })
})

describe('composer', () => {
  it('counts code points and the characters left', () => {
    expect(charCount('halo 👋')).toBe(6)
    expect(charsLeft('a'.repeat(281), 280)).toBe(-1)
    expect(charsLeft('halo', 0)).toBeNull()
  })
  it('counts X replies the way X (and the server) weighs them', () => {
    expect(xWeightedLength('Jalan rusak')).toBe(11)
    expect(xWeightedLength('é')).toBe(1)
    expect(xWeightedLength('日本')).toBe(4)
    expect(xWeightedLength('😀')).toBe(2)
    expect(xWeightedLength('lihat https://berau.go.id/layanan/jalan-poros-sambaliung ya')).toBe(6 + 23 + 3)
    const text = 'a'.repeat(200) + '🙏'.repeat(50)
    expect(replyLength(text, 'chars')).toBe(250)
    expect(charsLeft(text, 280, 'x_weighted')).toBe(-20)
    expect(charsLeft(text, 500)).toBe(250)
  })
  it('makes idempotency keys within 8–100 characters, fresh each time', () => {
    const a = newIdempotencyKey()
    const b = newIdempotencyKey()
    expect(a).not.toBe(b)
    expect(a.length).toBeGreaterThanOrEqual(8)
    expect(a.length).toBeLessThanOrEqual(100)
    expect(newIdempotencyKey(() => 'abc')).toBe('reply-abc')
  })
})

describe('notes', () => {
  it('finds @mentions, not e-mail addresses', () => {
    expect(noteMentions('@budi tolong cek, cc @Siti.Aminah dan @budi. mail a@b.id')).toEqual(['budi', 'siti.aminah'])
  })
  it('splits a note into text and mentions', () => {
    expect(noteParts('cc @budi: cek')).toEqual([
      { text: 'cc ', mention: false }, { text: '@budi', mention: true }, { text: ': cek', mention: false },
    ])
  })
})

describe('transitions and counts', () => {
  it('offers the transitions the API allows', () => {
    expect(allowedTransitions('baru')).toEqual(['dibuka', 'selesai'])
    expect(allowedTransitions('menunggu_instansi')).toEqual([])
    expect(allowedTransitions('selesai')).toEqual(['dibuka_kembali'])
  })
  it('sums the open states', () => {
    expect(openTotal({ baru: 2, dibuka: 3, selesai: 10, overdue: 1 })).toBe(5)
  })
})

describe('composeReason', () => {
  it('puts the preset first and the explanation after it', () => {
    expect(composeReason('Bukan kewenangan kami', ' Urusan jalan provinsi: Dinas PUPR Provinsi. ')).toBe('Bukan kewenangan kami — Urusan jalan provinsi: Dinas PUPR Provinsi.')
    expect(composeReason('', ' alasan sendiri ')).toBe('alasan sendiri')
    expect(composeReason('Bukan kewenangan kami', '  ')).toBe('Bukan kewenangan kami')
  })
})

describe('colleagueLabel', () => {
  it('names the person, the handle and distinct roles', () => {
    const roleName = (r: string) => ({ petugas: 'Petugas', pejabat: 'Pejabat' })[r] ?? r
    expect(colleagueLabel({ username: 'sari', display_name: 'Sari', roles: [{ role: 'petugas', agency_name: 'Dinkes' }, { role: 'petugas', agency_name: 'Dinkes' }] }, roleName))
      .toBe('Sari (@sari) — Petugas Dinkes')
    expect(colleagueLabel({ username: 'budi', display_name: '', roles: [] }, roleName)).toBe('@budi')
  })
})

describe('targetTree', () => {
  const target = (id: number, name: string, parent_id: number | null, kind: DispositionTarget['kind'] = 'agency'): DispositionTarget => ({
    id, name, code: `a${id}`, kind, parent_id, timezone: 'Asia/Makassar', deadline_at: '2026-11-24T01:00:00.000Z', sla: { mode: 'calendar', hours: 24 },
  })
  it('puts agencies by name with their units below them, indented', () => {
    const tree = targetTree([target(5, 'Seksi Jalan', 3, 'unit'), target(3, 'Dinas PUPR', 1), target(4, 'Dinas Kesehatan', 1), target(6, 'Bidang Bina Marga', 3, 'unit')])
    expect(tree.map((n) => [n.target.id, n.depth])).toEqual([[4, 0], [3, 0], [6, 1], [5, 1]])
  })
  it('makes a unit whose agency is not a target a root, and never loops', () => {
    const tree = targetTree([target(7, 'Unit A', 99, 'unit'), target(8, 'Loop', 9), target(9, 'Loop 2', 8)])
    expect(tree.map((n) => n.target.id)).toEqual([7])
  })
})

describe('notificationTarget', () => {
  it('opens an alert notification on the alert page, before anything else', () => {
    expect(notificationTarget({ alert_id: 12, case_id: null, disposition_id: null })).toEqual({ name: 'alert', params: { id: 12 } })
    expect(notificationTarget({ alert_id: 12, case_id: 3, disposition_id: null })).toEqual({ name: 'alert', params: { id: 12 } })
  })
  it('opens a case, or the dispositions for a disposition without a case, or nothing', () => {
    expect(notificationTarget({ alert_id: null, case_id: 3, disposition_id: 4 })).toEqual({ name: 'inbox-case', params: { id: 3 } })
    expect(notificationTarget({ case_id: null, disposition_id: 4 })).toEqual({ name: 'inbox-dispositions' })
    expect(notificationTarget({ alert_id: null, case_id: null, disposition_id: null })).toBeNull()
  })
})
