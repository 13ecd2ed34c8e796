// The message shown for a rejected import line. The server's `reason` is English detail for
// developers; the officer reads a translation built from `code` and `field` (docs/api.md,
// docs/import-format.md "Error codes"). A code this client does not know falls back to the reason.
import type { ImportError } from '@/api/types'
import { i18n } from '@/i18n'

type Translate = (key: string, values?: Record<string, unknown>) => string

function tools(): { t: Translate; te: (key: string) => boolean } {
  const g = i18n.global
  return { t: (k, v) => (v ? g.t(k, v) : g.t(k)), te: (k) => g.te(k) }
}

const SEGMENT = /^[a-z0-9_]+$/

/** Key segment for a field: "author.handle" (JSONL) and "author_handle" (CSV) look the same. */
function fieldKey(field: string): string {
  return field.replaceAll('.', '_')
}

/** The translated message for one rejected line, in the current language. */
export function importErrorText(error: Pick<ImportError, 'code' | 'field' | 'reason'>): string {
  const { t, te } = tools()
  const code = error.code ?? ''
  const field = error.field ?? ''
  // Codes and fields become key segments: only the snake_case names the server sends.
  if (SEGMENT.test(code)) {
    if (field) {
      const hint = `import.rowFieldHints.${code}.${fieldKey(field)}`
      if (SEGMENT.test(fieldKey(field)) && te(hint)) return t(hint, { field })
      if (te(`import.rowFieldErrors.${code}`)) return t(`import.rowFieldErrors.${code}`, { field })
    }
    if (te(`import.rowErrors.${code}`)) return t(`import.rowErrors.${code}`)
  }
  return error.reason
}

/** True when importErrorText shows a translation, so the reason is worth showing as detail. */
export function isTranslatedImportError(error: Pick<ImportError, 'code' | 'field' | 'reason'>): boolean {
  return importErrorText(error) !== error.reason
}
