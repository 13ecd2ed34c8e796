// The inbox's keyboard shortcuts: one table (shown in the help dialog and as hints) and a resolver
// that ignores keys typed into fields and keys with modifiers (so browser shortcuts keep working).

export type KeyAction = 'next' | 'prev' | 'open' | 'reply' | 'forward' | 'close' | 'help' | 'escape'

export const KEYMAP: { key: string; action: KeyAction }[] = [
  { key: 'j', action: 'next' },
  { key: 'k', action: 'prev' },
  { key: 'Enter', action: 'open' },
  { key: 'r', action: 'reply' },
  { key: 'f', action: 'forward' },
  { key: 'e', action: 'close' },
  { key: '?', action: 'help' },
  { key: 'Escape', action: 'escape' },
]

export interface KeyLike {
  key: string
  ctrlKey?: boolean
  metaKey?: boolean
  altKey?: boolean
  /** The focused element's tag name and whether it is editable. */
  target?: { tagName?: string; isContentEditable?: boolean; type?: string } | null
}

const TYPING_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT'])

/** Whether the key went to something the user types into. */
export function isTyping(target: KeyLike['target']): boolean {
  if (!target) return false
  if (target.isContentEditable) return true
  const tag = (target.tagName ?? '').toUpperCase()
  if (tag === 'INPUT') return !['checkbox', 'radio', 'button', 'submit'].includes((target.type ?? 'text').toLowerCase())
  return TYPING_TAGS.has(tag)
}

/** The action for a key press, or null (typing, modifiers, or not a shortcut). Escape always counts. */
export function resolveKey(event: KeyLike): KeyAction | null {
  if (event.key === 'Escape') return 'escape'
  if (event.ctrlKey || event.metaKey || event.altKey) return null
  if (isTyping(event.target)) return null
  // Enter on a button or link already activates it; only a plain list row uses our "open".
  const tag = (event.target?.tagName ?? '').toUpperCase()
  if (event.key === 'Enter' && (tag === 'BUTTON' || tag === 'A')) return null
  return KEYMAP.find((k) => k.key === event.key)?.action ?? null
}

/** The index after moving by `delta` in a list of `length`, clamped; -1 (nothing selected) enters at 0. */
export function moveIndex(current: number, delta: number, length: number): number {
  if (length <= 0) return -1
  if (current < 0) return 0
  return Math.min(length - 1, Math.max(0, current + delta))
}
