import { beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import { i18n } from '@/i18n'
import { errorText, fieldErrorText } from './errors'
import { useFormErrors } from './useFormErrors'

beforeEach(() => {
  i18n.global.locale.value = 'id'
})

describe('error messages', () => {
  it('translates codes into the user language', () => {
    expect(errorText(new ApiError(403, 'permission_denied', 'role'))).toBe('Peran Anda tidak mengizinkan tindakan ini.')
    i18n.global.locale.value = 'en'
    expect(errorText(new ApiError(403, 'csrf_failed', 'csrf'))).toContain('security token')
    expect(errorText(new ApiError(418, 'teapot', 'x'))).toBe('An unknown error occurred.')
    expect(errorText(new Error('boom'))).toBe('An unknown error occurred.')
  })

  it('gives field-specific hints for invalid_argument and generic ones otherwise', () => {
    expect(fieldErrorText(new ApiError(400, 'invalid_argument', 'bad', 'code'))).toBe('Kode 2–40 karakter: huruf kecil, angka, atau tanda hubung.')
    expect(fieldErrorText(new ApiError(400, 'invalid_argument', 'bad', 'security.custodian'))).toBe('Isian ini tidak valid.')
    expect(fieldErrorText(new ApiError(409, 'already_exists', 'taken', 'handle'))).toBe('Nilai ini sudah dipakai. Pilih yang lain.')
  })

  it('puts server errors beside a known field, else in the banner', () => {
    const form = useFormErrors()
    form.fromError(new ApiError(400, 'invalid_argument', 'bad', 'nip'), ['nip'])
    expect(form.fields.nip).toBe('NIP terdiri dari 18 angka.')
    expect(form.general.value).toBe('')
    form.fromError(new ApiError(400, 'invalid_argument', 'bad', 'security.last_review'), ['last_review'])
    expect(form.fields.last_review).toBe('Isian ini tidak valid.')
    form.fromError(new ApiError(400, 'invalid_argument', 'unknown field', 'colour'), ['nip'])
    expect(form.general.value).toBe('Data yang dikirim tidak valid. (colour)')
    form.clear()
    expect(form.hasErrors()).toBe(false)
    form.fromError(new ApiError(0, 'network', 'down'))
    expect(form.general.value).toBe('Tidak dapat menghubungi server. Periksa jaringan Anda.')
  })
})
