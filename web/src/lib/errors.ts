// Turns an ApiError (or anything thrown) into a message in the user's language. `message` from the
// server is English for developers; the user sees the translation of `code` (and of `field`).
import { ApiError } from '@/api/client'
import { i18n } from '@/i18n'

type Translate = (key: string, values?: Record<string, unknown>) => string
type Exists = (key: string) => boolean

function tools(): { t: Translate; te: Exists } {
  const g = i18n.global
  return { t: (k, v) => (v ? g.t(k, v) : g.t(k)), te: (k) => g.te(k) }
}

/** A sentence for a banner or toast. */
export function errorText(error: unknown): string {
  const { t, te } = tools()
  if (error instanceof ApiError) {
    if (te(`errors.${error.code}`)) return t(`errors.${error.code}`)
    return t('errors.unknown')
  }
  return t('errors.unknown')
}

/** The last segment of a field path ("security.custodian" → "custodian"). */
function fieldLeaf(field: string): string {
  const parts = field.split('.')
  return parts[parts.length - 1]
}

/** A message to show next to the field the error names. */
export function fieldErrorText(error: ApiError): string {
  const { t, te } = tools()
  const leaf = error.field ? fieldLeaf(error.field) : ''
  if (error.code === 'invalid_argument' && leaf && te(`errors.hints.${leaf}`)) return t(`errors.hints.${leaf}`)
  if (te(`errors.field.${error.code}`)) return t(`errors.field.${error.code}`)
  return errorText(error)
}
