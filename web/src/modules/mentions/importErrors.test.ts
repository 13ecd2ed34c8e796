import { beforeEach, describe, expect, it } from 'vitest'
import { i18n } from '@/i18n'
import { importErrorText, isTranslatedImportError } from './importErrors'

const CODES = [
  'invalid_json', 'not_an_object', 'invalid_utf8', 'line_too_long', 'wrong_column_count', 'malformed_quote',
  'unterminated_quote', 'missing_field', 'wrong_type', 'invalid_value', 'invalid_time', 'too_long',
  'unknown_agency', 'agency_out_of_scope', 'agency_required',
]
// A field for each code as the server sends it (docs/import-format.md "Error codes").
const FIELD: Record<string, string> = {
  missing_field: 'text', wrong_type: 'text', invalid_value: 'platform', invalid_time: 'created_at',
  too_long: 'external_id', unknown_agency: 'agency', agency_out_of_scope: 'agency', agency_required: 'agency',
}

function text(code: string, field = '', reason = 'English detail') {
  return importErrorText({ code, field, reason })
}

beforeEach(() => {
  i18n.global.locale.value = 'id'
})

describe('rejected import lines', () => {
  it('speaks Indonesian for line-level codes', () => {
    expect(text('invalid_json')).toBe('Baris bukan JSON yang sah')
    expect(text('not_an_object')).toContain('objek JSON')
    expect(text('invalid_utf8')).toContain('UTF-8')
    expect(text('wrong_column_count')).toBe('Jumlah kolom tidak sama dengan baris judul')
  })

  it('names the field', () => {
    expect(text('invalid_time', 'created_at')).toBe('Kolom created_at: waktu tidak sah (contoh 2024-08-17T10:00:00+07:00)')
    expect(text('missing_field', 'external_id, author.handle')).toBe('Kolom wajib kosong atau tidak ada: external_id, author.handle')
    expect(text('wrong_type', 'author.handle')).toBe('Kolom author.handle: harus berupa teks')
    expect(text('invalid_utf8', 'author_name')).toContain('Kolom author_name:')
    expect(text('too_long', 'author_handle')).toBe('Kolom author_handle: terlalu panjang (maksimal 200 karakter)')
  })

  it('uses field-specific hints where the generic message would be wrong or vague', () => {
    expect(text('wrong_type', 'likes')).toBe('Kolom likes: harus bilangan bulat tidak negatif')
    expect(text('invalid_value', 'likes')).toBe('Kolom likes: harus bilangan bulat tidak negatif')
    expect(text('wrong_type', 'external_id')).toContain('teks atau bilangan bulat')
    expect(text('invalid_value', 'kind')).toContain('post, comment, reply, share')
    expect(text('too_long', 'text')).toContain('100.000')
    expect(text('invalid_value', 'source')).toBe('Kolom source: nilai tidak sah')
  })

  it('translates the agency rejections from ingest', () => {
    expect(text('unknown_agency', 'agency')).toBe('Kode instansi tidak dikenal')
    expect(text('agency_out_of_scope', 'agency')).toBe('Instansi ini bukan instansi tempat Anda bertugas')
    expect(text('agency_required', 'agency')).toContain('Instansi wajib diisi')
  })

  it('speaks English when the user chose English', () => {
    i18n.global.locale.value = 'en'
    expect(text('invalid_json')).toBe('The line is not valid JSON')
    expect(text('invalid_time', 'created_at')).toBe('Field created_at: invalid time (for example 2024-08-17T10:00:00+07:00)')
    expect(text('unknown_agency', 'agency')).toBe('Unknown agency code')
  })

  it('falls back to the server reason for codes it does not know', () => {
    expect(text('brand_new_code', '', 'something new happened')).toBe('something new happened')
    expect(text('brand_new_code', 'text', 'text: something new')).toBe('text: something new')
    expect(text('import.title', '', 'dotted code')).toBe('dotted code')
    expect(importErrorText({ code: undefined as unknown as string, field: '', reason: 'old server' })).toBe('old server')
    expect(isTranslatedImportError({ code: 'brand_new_code', field: '', reason: 'x' })).toBe(false)
    expect(isTranslatedImportError({ code: 'invalid_json', field: '', reason: 'not valid JSON: ...' })).toBe(true)
  })

  it('has a message for every code in both languages', () => {
    for (const locale of ['id', 'en'] as const) {
      i18n.global.locale.value = locale
      for (const code of CODES) {
        const reason = `reason for ${code}`
        expect(text(code, FIELD[code] ?? '', reason), `${locale} ${code}`).not.toBe(reason)
      }
    }
  })
})
