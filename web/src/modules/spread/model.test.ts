import { describe, expect, it } from 'vitest'
import type { Mention } from '@/api/types'
import { breadthBars, labelValueText, cascadeTree, correctionChoices, currentLabel, nearDuplicateInfo, normalizeTopic, windowDays, type Cascade, type CascadeNode } from './model'

function mention(id: number, handle: string, labels: Partial<Mention['labels']> = {}): Mention {
  return {
    id, platform: 'x', external_id: String(id), url: '', author: { handle, name: '' }, text: 't', created_at: '', ingested_at: '',
    kind: 'post', agency_id: 1, agency_name: '', in_reply_to: '', shared_from: '', shares: 0, likes: 0, replies: 0,
    labels: { sentiment: '', sentiment_confidence: 0, input_kind: '', input_kind_confidence: 0, hoax_score: 0, has_personal_data: false, ...labels },
  }
}

function node(index: number, parent: number | null, depth: number, m: Mention | null, link: CascadeNode['link'] = 'reply'): CascadeNode {
  return { index, parent, depth, link: parent === null ? 'root' : link, created_at: '', hidden: m === null, mention: m }
}

const stats = { size: 0, depth: 0, breadth: [], replies: 0, shares: 0, distinct_authors: 0, engagement_reported: 0, first_at: '', last_at: '', reach: { estimated: null, authors_with_followers: 0, authors_without_followers: 0 } }

describe('cascadeTree', () => {
  it('nests members under their parents, names hidden members neutrally', () => {
    const c: Cascade = {
      mention_id: 1, root_id: 1, missing_parent: '', truncated: false, stats,
      nodes: [node(0, null, 0, mention(1, 'dinkes')), node(1, 0, 1, mention(2, 'budi'), 'share'), node(2, 0, 1, null), node(3, 1, 2, mention(4, 'sari'))],
    }
    const tree = cascadeTree(c, (n) => n.mention!.author.handle, 'hidden', (n) => `+${n}`)!
    expect(tree.name).toBe('dinkes')
    expect(tree.children.map((d) => d.name)).toEqual(['budi', 'hidden'])
    expect(tree.children[0].link).toBe('share')
    expect(tree.children[0].children[0].name).toBe('sari')
    expect(tree.children[0].children[0].mentionId).toBe(4)
    expect(tree.children[1].mentionId).toBeNull()
  })

  it('folds children beyond the limit into one "+N" leaf', () => {
    const nodes = [node(0, null, 0, mention(1, 'root'))]
    for (let i = 1; i <= 7; i++) nodes.push(node(i, 0, 1, mention(i + 1, `u${i}`)))
    const c: Cascade = { mention_id: 1, root_id: 1, missing_parent: '', truncated: false, stats, nodes }
    const tree = cascadeTree(c, (n) => n.mention!.author.handle, 'h', (n) => `+${n}`, 5)!
    expect(tree.children).toHaveLength(6)
    expect(tree.children[5].name).toBe('+2')
  })

  it('returns null for an empty cascade', () => {
    expect(cascadeTree({ mention_id: 1, root_id: null, missing_parent: '', truncated: false, stats, nodes: [] }, () => '', '', () => '')).toBeNull()
  })
})

describe('corrections', () => {
  it('offers every value but the current one', () => {
    const m = mention(1, 'a', { sentiment: 'negative', input_kind: 'keluhan' })
    expect(currentLabel(m, 'sentiment')).toBe('negative')
    expect(correctionChoices(m, 'sentiment')).toEqual(['positive', 'neutral'])
    expect(correctionChoices(m, 'kind')).not.toContain('keluhan')
    expect(correctionChoices(m, 'kind')).toHaveLength(5)
  })

  it('lets a person confirm a model hoax score but not repeat a decided flag', () => {
    expect(currentLabel(mention(1, 'a', { hoax_score: 0.7 }), 'hoax')).toBe('hoax')
    expect(correctionChoices(mention(1, 'a', { hoax_score: 0.7 }), 'hoax')).toEqual(['hoax', 'not_hoax'])
    expect(correctionChoices(mention(1, 'a', { hoax_score: 1 }), 'hoax')).toEqual(['not_hoax'])
    expect(correctionChoices(mention(1, 'a', { hoax_score: 0 }), 'hoax')).toEqual(['hoax'])
  })
})

describe('labelValueText', () => {
  it('names values per task and says when a label is missing', () => {
    const t = (k: string) => `[${k}]`
    expect(labelValueText(t, 'sentiment', 'negative')).toBe('[sentiment.negative]')
    expect(labelValueText(t, 'kind', 'saran')).toBe('[inputKind.saran]')
    expect(labelValueText(t, 'hoax', 'not_hoax')).toBe('[spread.correct.hoaxValues.not_hoax]')
    expect(labelValueText(t, 'kind', '')).toBe('[spread.correct.unlabelled]')
  })
})

describe('windows and topics', () => {
  it('windowDays spans n days up to a minute past now, in whole seconds', () => {
    expect(windowDays(7, new Date('2026-03-10T15:00:00.250Z'))).toEqual({ since: '2026-03-03T15:00:00Z', until: '2026-03-10T15:01:00Z' })
    expect(windowDays(1, new Date('2026-01-01T00:00:00Z'))).toEqual({ since: '2025-12-31T00:00:00Z', until: '2026-01-01T00:01:00Z' })
  })

  it('normalizeTopic accepts a hashtag with or without # and rejects other text', () => {
    expect(normalizeTopic(' #BerauSehat ')).toBe('berausehat')
    expect(normalizeTopic('gizi_baik')).toBe('gizi_baik')
    expect(normalizeTopic('two words')).toBe('')
    expect(normalizeTopic('#')).toBe('')
  })

  it('breadthBars scales to the widest level', () => {
    expect(breadthBars([1, 4, 2])).toEqual([
      { level: 0, count: 1, pct: 25 }, { level: 1, count: 4, pct: 100 }, { level: 2, count: 2, pct: 50 },
    ])
  })
})

describe('nearDuplicateInfo', () => {
  it('points a copy at the first mention of its cluster', () => {
    const copy = { ...mention(9, 'warga'), near_duplicate_of: 4, near_duplicate_similarity: 0.8, near_duplicate_copies: 3 }
    expect(nearDuplicateInfo(copy)).toEqual({ isCopy: true, root: 4, outsideScope: false, copies: 3 })
  })
  it('names no original outside the reader scope', () => {
    const copy = { ...mention(9, 'warga'), near_duplicate_of: null, near_duplicate_similarity: 0.6, near_duplicate_outside_scope: true }
    expect(nearDuplicateInfo(copy)).toEqual({ isCopy: true, root: null, outsideScope: true, copies: 0 })
  })
  it('treats a mention that is no copy as the first of its cluster', () => {
    expect(nearDuplicateInfo({ ...mention(4, 'dinas'), near_duplicate_of: null, near_duplicate_similarity: null, near_duplicate_copies: 2 })).toEqual({ isCopy: false, root: 4, outsideScope: false, copies: 2 })
    expect(nearDuplicateInfo(mention(5, 'dinas'))).toEqual({ isCopy: false, root: 5, outsideScope: false, copies: 0 })
  })
})
