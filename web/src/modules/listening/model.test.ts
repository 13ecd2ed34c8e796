import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import type { Mention } from '@/api/types'
import { expressionProblem, passesFilter, previewBody, splitAt, utf16Offset } from './model'

function apiError(detail: Record<string, unknown>, field = 'expression'): ApiError {
  const e = new ApiError(400, 'invalid_argument', 'expression, at character 5: AND needs a term', field)
  e.detail = { code: 'invalid_argument', field, ...detail }
  return e
}

describe('expressionProblem', () => {
  it('reads the reason and position of a refused expression', () => {
    expect(expressionProblem(apiError({ reason: 'unclosed_paren', position: 3 }))).toEqual({
      reason: 'unclosed_paren',
      position: 3,
      message: 'expression, at character 5: AND needs a term',
    })
  })
  it('keeps the position but no reason for a reason this client does not know', () => {
    expect(expressionProblem(apiError({ reason: 'brand_new', position: 2 }))?.reason).toBeNull()
  })
  it('ignores errors about other fields and non-API errors', () => {
    expect(expressionProblem(apiError({ reason: 'empty' }, 'name'))).toBeNull()
    expect(expressionProblem(new Error('x'))).toBeNull()
  })
  it('treats a missing or negative position as the start', () => {
    expect(expressionProblem(apiError({ reason: 'empty', position: -4 }))?.position).toBe(0)
    expect(expressionProblem(apiError({ reason: 'empty' }))?.position).toBe(0)
  })
})

describe('splitAt and utf16Offset', () => {
  it('counts code points like the server, so emoji do not shift the marker', () => {
    expect(splitAt('😀 (a', 2)).toEqual({ before: '😀 ', at: '(', after: 'a' })
    expect(utf16Offset('😀 (a', 2)).toBe(3)
  })
  it('marks the end when something is missing there', () => {
    expect(splitAt('a AND', 5)).toEqual({ before: 'a AND', at: '', after: '' })
    expect(splitAt('ab', 99)).toEqual({ before: 'ab', at: '', after: '' })
  })
})

describe('passesFilter', () => {
  const m = { id: 1, platform: 'x', labels: { sentiment: '' }, query_ids: [4, 9] } as unknown as Mention
  it('filters by query, platform and sentiment', () => {
    expect(passesFilter(m, { queryId: null, platform: '', sentiment: '' })).toBe(true)
    expect(passesFilter(m, { queryId: 9, platform: '', sentiment: '' })).toBe(true)
    expect(passesFilter(m, { queryId: 5, platform: '', sentiment: '' })).toBe(false)
    expect(passesFilter(m, { queryId: null, platform: 'facebook', sentiment: '' })).toBe(false)
    expect(passesFilter(m, { queryId: null, platform: 'x', sentiment: 'unlabelled' })).toBe(true)
    expect(passesFilter(m, { queryId: null, platform: '', sentiment: 'negative' })).toBe(false)
  })
  it('hides near-duplicates only when asked', () => {
    const copy = { ...m, near_duplicate_of: 3, near_duplicate_similarity: 0.8 } as Mention
    const outside = { ...m, near_duplicate_of: null, near_duplicate_similarity: 0.7, near_duplicate_outside_scope: true } as Mention
    const f = { queryId: null, platform: '', sentiment: '' }
    expect(passesFilter(copy, f)).toBe(true)
    expect(passesFilter(copy, { ...f, hideNearDuplicates: true })).toBe(false)
    expect(passesFilter(outside, { ...f, hideNearDuplicates: true })).toBe(false)
    expect(passesFilter({ ...m, near_duplicate_similarity: null } as Mention, { ...f, hideNearDuplicates: true })).toBe(true)
  })
  it('a mention without query ids passes only when no query is chosen', () => {
    const plain = { ...m, query_ids: undefined } as Mention
    expect(passesFilter(plain, { queryId: 4, platform: '', sentiment: '' })).toBe(false)
  })
})

describe('previewBody', () => {
  it('omits empty filters', () => {
    expect(previewBody('banjir', [], [])).toEqual({ expression: 'banjir', limit: 10 })
    expect(previewBody('banjir', ['x'], ['id'])).toEqual({ expression: 'banjir', limit: 10, platforms: ['x'], languages: ['id'] })
  })
})
