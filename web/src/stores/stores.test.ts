import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { api } from '@/api/client'
import type { Agency } from '@/api/types'
import { i18n, normaliseLocale } from '@/i18n'
import { buildTree, flattenTree, useAgencyIndexStore } from './agencies'
import { useLocaleStore } from './locale'
import { useSessionStore } from './session'
import { useToastStore } from './toast'

function memoryStorage() {
  const data = new Map<string, string>()
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
    clear: () => data.clear(),
  }
}

const me = { id: 1, username: 'ani', display_name: 'Ani', locale: 'en-US', roles: [{ role: 'pejabat', agency_id: 2, agency_name: 'Dinkes' }] }

function json(status: number, body: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

beforeEach(() => {
  setActivePinia(createPinia())
  vi.stubGlobal('localStorage', memoryStorage())
  i18n.global.locale.value = 'id'
  api.setCsrfToken('')
})

describe('locale store', () => {
  it('normalises tags', () => {
    expect(normaliseLocale('id-ID')).toBe('id')
    expect(normaliseLocale('EN_gb')).toBe('en')
    expect(normaliseLocale('fr')).toBeNull()
  })

  it('persists the choice and switches vue-i18n', () => {
    const store = useLocaleStore()
    expect(store.locale).toBe('id')
    store.set('en')
    expect(i18n.global.locale.value).toBe('en')
    expect(localStorage.getItem('humas.locale')).toBe('en')
    store.set('xx')
    expect(store.locale).toBe('en')
  })

  it('adopts the account locale only when the user has not chosen', () => {
    const store = useLocaleStore()
    store.adoptAccountLocale('en-US')
    expect(store.locale).toBe('en')
    store.set('id')
    store.adoptAccountLocale('en')
    expect(store.locale).toBe('id')
  })
})

describe('session store', () => {
  it('logs in, keeps the CSRF token, and clears it on logout', async () => {
    const fetchMock = vi.fn<typeof fetch>()
      .mockResolvedValueOnce(json(200, { user: me, csrf_token: 'tok-1' }))
      .mockResolvedValueOnce(new Response(null, { status: 204 }))
    vi.stubGlobal('fetch', fetchMock)
    const session = useSessionStore()
    await session.login('ani', 'rahasia-sekali')
    expect(session.user?.username).toBe('ani')
    expect(api.getCsrfToken()).toBe('tok-1')
    expect(session.can('directory.write', 2)).toBe(true)
    expect(session.can('agencies.write')).toBe(false)
    expect(session.isAdmin).toBe(false)
    expect(useLocaleStore().locale).toBe('en') // adopted from the account
    await session.logout()
    const [, init] = fetchMock.mock.calls[1]
    expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok-1')
    expect(session.user).toBeNull()
    expect(api.getCsrfToken()).toBe('')
  })

  it('treats a 401 from /auth/me as logged out without redirecting', async () => {
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockResolvedValue(json(401, { error: { code: 'unauthenticated', message: 'x' } })))
    const handler = vi.fn()
    api.setUnauthenticatedHandler(handler)
    const session = useSessionStore()
    await session.restore()
    expect(session.checked).toBe(true)
    expect(session.user).toBeNull()
    expect(handler).not.toHaveBeenCalled()
    api.setUnauthenticatedHandler(null)
  })
})

const agency = (id: number, parent_id: number | null, name: string, kind: Agency['kind'] = 'agency'): Agency => ({
  id, parent_id, kind, name, short_name: '', code: `a${id}`, timezone: id === 5 ? 'Asia/Makassar' : 'Asia/Jakarta', email: '',
  phone: '', website: '', active: true, created_at: '', updated_at: '', accounts_count: 0, appointments_count: 0,
})

describe('agency index', () => {
  const list = [agency(2, 1, 'Dinas Pendidikan'), agency(1, null, 'Kabupaten Berau', 'region'), agency(3, 2, 'UPT SD', 'unit'), agency(4, 1, 'Dinas Kesehatan'), agency(5, 99, 'Orphan')]

  it('builds the hierarchy sorted by name with orphans as roots', () => {
    const flat = flattenTree(buildTree(list)).map((n) => [n.agency.id, n.depth])
    expect(flat).toEqual([[1, 0], [4, 1], [2, 1], [3, 2], [5, 0]])
  })

  it('loads every page and answers zones and ancestry', async () => {
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockResolvedValueOnce(json(200, { items: list, total: list.length })))
    const store = useAgencyIndexStore()
    await store.ensure()
    await store.ensure() // cached
    expect(vi.mocked(fetch)).toHaveBeenCalledTimes(1)
    expect(String(vi.mocked(fetch).mock.calls[0][0])).toContain('active=all')
    expect(store.timezoneOf(5)).toBe('Asia/Makassar')
    expect(store.timezoneOf(null)).toBe('Asia/Jakarta')
    expect(store.isWithin(3, 1)).toBe(true)
    expect(store.isWithin(4, 2)).toBe(false)
  })
})

describe('toast store', () => {
  it('adds and removes notices after a while', () => {
    vi.useFakeTimers()
    const toasts = useToastStore()
    toasts.success('Tersimpan')
    expect(toasts.toasts).toHaveLength(1)
    vi.advanceTimersByTime(6000)
    expect(toasts.toasts).toHaveLength(0)
    vi.useRealTimers()
  })
})
