// Every key in one language exists in the other, and no text is empty: a missing translation would
// show a raw key to an officer.
import { describe, expect, it } from 'vitest'
import id from './id.json'
import en from './en.json'

type Tree = { [key: string]: string | Tree }

function flatten(tree: Tree, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out[path] = value
    else Object.assign(out, flatten(value, path))
  }
  return out
}

const flatId = flatten(id as Tree)
const flatEn = flatten(en as Tree)

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
}

describe('locales', () => {
  it('has every Indonesian key in English', () => {
    expect(Object.keys(flatId).filter((k) => !(k in flatEn))).toEqual([])
  })

  it('has every English key in Indonesian', () => {
    expect(Object.keys(flatEn).filter((k) => !(k in flatId))).toEqual([])
  })

  it('has no empty strings', () => {
    expect(Object.entries(flatId).filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([])
    expect(Object.entries(flatEn).filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([])
  })

  it('uses the same placeholders in both languages', () => {
    const mismatched = Object.keys(flatId).filter(
      (k) => k in flatEn && placeholders(flatId[k]).join() !== placeholders(flatEn[k]).join(),
    )
    expect(mismatched).toEqual([])
  })

  it('avoids characters that vue-i18n would treat as syntax', () => {
    const bad = Object.entries({ ...flatId, ...flatEn }).filter(([, v]) => /[@|]/.test(v.replaceAll("{'@'}", ''))).map(([k]) => k)
    expect(bad).toEqual([])
  })

  it('translates every error code of docs/api.md', () => {
    const codes = [
      'invalid_argument', 'unauthenticated', 'invalid_credentials', 'csrf_failed', 'permission_denied',
      'not_found', 'method_not_allowed', 'already_exists', 'conflict', 'failed_precondition',
      'payload_too_large', 'unsupported_media_type', 'rate_limited', 'internal', 'unavailable',
    ]
    for (const code of codes) {
      expect(flatId[`errors.${code}`], code).toBeTruthy()
      expect(flatEn[`errors.${code}`], code).toBeTruthy()
    }
  })
})
