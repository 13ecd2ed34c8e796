import { describe, expect, it } from 'vitest'
import { KEYMAP, moveIndex, resolveKey } from './keyboard'

describe('resolveKey', () => {
  it('maps the inbox shortcuts', () => {
    expect(resolveKey({ key: 'j' })).toBe('next')
    expect(resolveKey({ key: 'k' })).toBe('prev')
    expect(resolveKey({ key: 'Enter', target: { tagName: 'LI' } })).toBe('open')
    expect(resolveKey({ key: 'r' })).toBe('reply')
    expect(resolveKey({ key: 'f' })).toBe('forward')
    expect(resolveKey({ key: 'e' })).toBe('close')
    expect(resolveKey({ key: '?' })).toBe('help')
    expect(resolveKey({ key: 'x' })).toBeNull()
  })

  it('ignores keys typed into fields', () => {
    expect(resolveKey({ key: 'j', target: { tagName: 'TEXTAREA' } })).toBeNull()
    expect(resolveKey({ key: 'r', target: { tagName: 'input', type: 'search' } })).toBeNull()
    expect(resolveKey({ key: 'e', target: { tagName: 'DIV', isContentEditable: true } })).toBeNull()
    expect(resolveKey({ key: 'f', target: { tagName: 'SELECT' } })).toBeNull()
    // A checkbox is not typing.
    expect(resolveKey({ key: 'j', target: { tagName: 'INPUT', type: 'checkbox' } })).toBe('next')
  })

  it('leaves browser shortcuts alone but always hears Escape', () => {
    expect(resolveKey({ key: 'r', ctrlKey: true })).toBeNull()
    expect(resolveKey({ key: 'f', metaKey: true })).toBeNull()
    expect(resolveKey({ key: 'e', altKey: true })).toBeNull()
    expect(resolveKey({ key: 'Escape', target: { tagName: 'TEXTAREA' } })).toBe('escape')
  })

  it('lets Enter on buttons and links do their own thing', () => {
    expect(resolveKey({ key: 'Enter', target: { tagName: 'BUTTON' } })).toBeNull()
    expect(resolveKey({ key: 'Enter', target: { tagName: 'A' } })).toBeNull()
  })

  it('has one action per key', () => {
    expect(new Set(KEYMAP.map((k) => k.key)).size).toBe(KEYMAP.length)
  })
})

describe('moveIndex', () => {
  it('enters the list at the top and clamps at both ends', () => {
    expect(moveIndex(-1, 1, 3)).toBe(0)
    expect(moveIndex(0, 1, 3)).toBe(1)
    expect(moveIndex(2, 1, 3)).toBe(2)
    expect(moveIndex(0, -1, 3)).toBe(0)
    expect(moveIndex(1, -1, 0)).toBe(-1)
  })
})
