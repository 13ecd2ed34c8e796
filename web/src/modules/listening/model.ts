// Pure logic of the listening pages: where a refused expression went wrong, and which live
// mentions pass the stream filters. No Vue here, so it is unit-tested directly.
import { ApiError } from '@/api/client'
import type { Mention } from '@/api/types'

/** Stable reasons the server gives for a refused expression (docs/api.md, Agency queries). */
export const EXPRESSION_REASONS = [
  'empty', 'too_long', 'too_many_terms', 'too_deep', 'unclosed_quote', 'unclosed_paren',
  'unexpected_paren', 'missing_operand', 'empty_term', 'misplaced_wildcard', 'short_prefix',
  'matches_everything',
] as const
export type ExpressionReason = (typeof EXPRESSION_REASONS)[number]

export interface ExpressionProblem {
  /** A known reason (translated by the UI), or null when the server sent one this client does not know. */
  reason: ExpressionReason | null
  /** Position in characters (code points), as the server counts. */
  position: number
  /** English detail from the server, shown for unknown reasons. */
  message: string
}

/** The expression problem carried by an API error, or null when the error is about something else. */
export function expressionProblem(error: unknown): ExpressionProblem | null {
  if (!(error instanceof ApiError) || error.field !== 'expression') return null
  const reason = error.detail.reason
  const position = error.detail.position
  return {
    reason: typeof reason === 'string' && (EXPRESSION_REASONS as readonly string[]).includes(reason) ? (reason as ExpressionReason) : null,
    position: typeof position === 'number' && position >= 0 ? position : 0,
    message: error.message,
  }
}

/**
 * Splits `text` around the character at code-point `position` (the server counts code points;
 * JavaScript strings count UTF-16 units, so emoji would otherwise shift the marker). A position at
 * the end marks an empty "at" (the problem is that something is missing there).
 */
export function splitAt(text: string, position: number): { before: string; at: string; after: string } {
  const chars = Array.from(text)
  const p = Math.max(0, Math.min(position, chars.length))
  return { before: chars.slice(0, p).join(''), at: chars[p] ?? '', after: chars.slice(p + 1).join('') }
}

/** UTF-16 offset of code point `position` in `text` (for placing the caret in a textarea). */
export function utf16Offset(text: string, position: number): number {
  return Array.from(text).slice(0, Math.max(0, position)).join('').length
}

export interface StreamFilter {
  queryId: number | null
  platform: string
  sentiment: string // '' = all, 'unlabelled' = no label yet
  /** Hide mentions flagged as near-duplicates of an earlier one (copy-paste campaigns). */
  hideNearDuplicates?: boolean
}

/** Whether a live mention passes the stream filters. */
export function passesFilter(m: Mention, f: StreamFilter): boolean {
  if (f.queryId !== null && !(m.query_ids ?? []).includes(f.queryId)) return false
  if (f.platform && m.platform !== f.platform) return false
  if (f.hideNearDuplicates && m.near_duplicate_similarity != null) return false
  if (f.sentiment) {
    const s = m.labels?.sentiment || 'unlabelled'
    if (s !== f.sentiment) return false
  }
  return true
}

/** The body sent for a preview: only the fields the server knows, filters omitted when empty. */
export function previewBody(expression: string, platforms: string[], languages: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = { expression, limit: 10 }
  if (platforms.length) body.platforms = platforms
  if (languages.length) body.languages = languages
  return body
}
