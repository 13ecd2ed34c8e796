import { describe, expect, it, vi } from 'vitest'
import type { Dashboard, Mention } from '@/api/types'
import { applyMention, coalesce, denseSeries, emptyDashboard, hourBucket } from './dashboard'

const NOW = Date.parse('2024-08-17T10:30:00.000Z')

function mention(overrides: Partial<Mention> = {}): Mention {
  return {
    id: 1, platform: 'x', external_id: '1', url: '', author: { handle: 'warga', name: 'Warga' }, text: 'halo',
    created_at: '2024-08-17T10:10:00.000Z', ingested_at: '2024-08-17T10:10:01.000Z', kind: 'post',
    agency_id: 2, agency_name: 'Dinas Kesehatan', in_reply_to: '', shared_from: '', shares: 0, likes: 0,
    replies: 0,
    labels: { sentiment: '', sentiment_confidence: 0, input_kind: '', input_kind_confidence: 0, hoax_score: 0, has_personal_data: false },
    ...overrides,
  }
}

describe('applyMention', () => {
  it('counts a live mention into every figure', () => {
    const base: Dashboard = {
      ...emptyDashboard(),
      total: 5,
      by_platform: { x: 5 },
      by_sentiment: { positive: 1, neutral: 1, negative: 1, unlabelled: 2 },
      series: [{ hour: '2024-08-17T10:00:00.000Z', count: 5 }],
      agencies: [{ agency_id: 2, name: 'Dinas Kesehatan', count: 3 }, { agency_id: 4, name: 'Dinas PU', count: 2 }],
    }
    const next = applyMention(base, mention({ platform: 'instagram', agency_id: 4, labels: { ...mention().labels, sentiment: 'negative' } }), true, 24, NOW)
    expect(next.total).toBe(6)
    expect(next.by_platform).toEqual({ x: 5, instagram: 1 })
    expect(next.by_sentiment.negative).toBe(2)
    expect(next.series).toEqual([{ hour: '2024-08-17T10:00:00.000Z', count: 6 }])
    expect(next.agencies.map((a) => [a.agency_id, a.count])).toEqual([[2, 3], [4, 3]])
    expect(base.total).toBe(5) // not mutated
  })

  it('counts unlabelled mentions as unlabelled and adds new hours', () => {
    const next = applyMention(emptyDashboard(), mention(), true, 24, NOW)
    expect(next.by_sentiment.unlabelled).toBe(1)
    expect(next.series).toEqual([{ hour: '2024-08-17T10:00:00.000Z', count: 1 }])
    expect(next.agencies).toEqual([{ agency_id: 2, name: 'Dinas Kesehatan', count: 1 }])
  })

  it('ignores mentions outside the selection or the window', () => {
    const base = emptyDashboard()
    expect(applyMention(base, mention(), false, 24, NOW)).toBe(base)
    expect(applyMention(base, mention({ created_at: '2024-08-15T10:00:00.000Z' }), true, 24, NOW)).toBe(base)
  })
})

describe('coalesce', () => {
  it('runs once, the given time after the last ask', () => {
    vi.useFakeTimers()
    try {
      const fn = vi.fn()
      const ask = coalesce(fn, 500)
      ask()
      vi.advanceTimersByTime(400)
      ask()
      ask()
      vi.advanceTimersByTime(499)
      expect(fn).not.toHaveBeenCalled()
      vi.advanceTimersByTime(1)
      expect(fn).toHaveBeenCalledTimes(1)
      ask()
      vi.advanceTimersByTime(500)
      expect(fn).toHaveBeenCalledTimes(2)
    } finally {
      vi.useRealTimers()
    }
  })

  it('drops a pending run when cancelled', () => {
    vi.useFakeTimers()
    try {
      const fn = vi.fn()
      const ask = coalesce(fn, 100)
      ask()
      ask.cancel()
      vi.advanceTimersByTime(1000)
      expect(fn).not.toHaveBeenCalled()
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('series', () => {
  it('buckets by hour and fills the window', () => {
    expect(hourBucket('2024-08-17T10:59:59.999Z')).toBe('2024-08-17T10:00:00.000Z')
    const dense = denseSeries([{ hour: '2024-08-17T09:00:00.000Z', count: 4 }], 3, NOW)
    expect(dense).toEqual([
      { hour: '2024-08-17T08:00:00.000Z', count: 0 },
      { hour: '2024-08-17T09:00:00.000Z', count: 4 },
      { hour: '2024-08-17T10:00:00.000Z', count: 0 },
    ])
  })
})
