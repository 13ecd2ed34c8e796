import { describe, expect, it } from 'vitest'
import {
  matchesUser, normalizeUsername, passwordError, roleGrants, rowsFromGrants, sortUsers, validateRoleRows, validateUserForm,
  type RoleRow, type User, type UserForm,
} from './model'

const row = (role: RoleRow['role'], agency_id: number | null, key = Math.random()): RoleRow => ({ key, role, agency_id })

function form(overrides: Partial<UserForm> = {}): UserForm {
  return {
    username: 'siti.petugas', display_name: 'Siti Aminah', email: '', telegram_chat_id: '', password: 'kata-sandi-baru', password_confirm: 'kata-sandi-baru',
    locale: 'id', active: true, roles: [row('petugas', 1)], ...overrides,
  }
}

const user = (id: number, display_name: string, username: string, extra: Partial<User> = {}): User => ({
  id, username, display_name, email: '', telegram_chat_id: '', locale: 'id', active: true, roles: [], ...extra,
})

describe('role rows', () => {
  it('accepts complete, distinct rows', () => {
    expect(validateRoleRows([row('petugas', 1), row('pejabat', 1), row('petugas', 2)])).toEqual({ rows: {}, general: undefined })
  })

  it('needs a role and an agency in each row', () => {
    const r = validateRoleRows([row('', 1), row('petugas', null), row('', null)])
    expect(r.rows[0]).toEqual({ role: { key: 'validation.required' } })
    expect(r.rows[1]).toEqual({ agency_id: { key: 'validation.required' } })
    expect(r.rows[2]).toEqual({ role: { key: 'validation.required' }, agency_id: { key: 'validation.required' } })
  })

  it('flags the second grant of the same role on the same agency', () => {
    const r = validateRoleRows([row('petugas', 3), row('admin', 3), row('petugas', 3)])
    expect(Object.keys(r.rows)).toEqual(['2'])
    expect(r.rows[2].role?.key).toBe('users.duplicateRole')
  })

  it('needs at least one row', () => {
    expect(validateRoleRows([]).general?.key).toBe('users.rolesRequired')
  })

  it('sends only complete rows, in order', () => {
    expect(roleGrants([row('admin', 1), row('', 2), row('petugas', null), row('pimpinan', 4)])).toEqual([
      { role: 'admin', agency_id: 1 },
      { role: 'pimpinan', agency_id: 4 },
    ])
  })

  it('turns grants into rows with fresh keys', () => {
    let k = 0
    const rows = rowsFromGrants([{ role: 'pejabat', agency_id: 7, agency_name: 'Dinas' }, { role: 'petugas', agency_id: 8, agency_name: '' }], () => ++k)
    expect(rows).toEqual([{ key: 1, role: 'pejabat', agency_id: 7 }, { key: 2, role: 'petugas', agency_id: 8 }])
  })
})

describe('user form', () => {
  it('accepts a valid new user', () => {
    expect(validateUserForm(form(), { creating: true })).toEqual({ fields: {}, rows: {} })
  })

  it('checks the username like the server (lower-cased, 3–64 of a-z0-9._-)', () => {
    expect(normalizeUsername('  Siti.Aminah ')).toBe('siti.aminah')
    expect(validateUserForm(form({ username: 'Siti.Aminah' }), { creating: true }).fields.username).toBeUndefined()
    expect(validateUserForm(form({ username: 'si' }), { creating: true }).fields.username?.key).toBe('users.usernameRule')
    expect(validateUserForm(form({ username: 'siti aminah' }), { creating: true }).fields.username?.key).toBe('users.usernameRule')
    expect(validateUserForm(form({ username: '' }), { creating: true }).fields.username?.key).toBe('validation.required')
    // Not checked when editing: the username cannot change.
    expect(validateUserForm(form({ username: '' }), { creating: false }).fields.username).toBeUndefined()
  })

  it('needs a display name of at least 2 characters', () => {
    expect(validateUserForm(form({ display_name: ' ' }), { creating: true }).fields.display_name?.key).toBe('validation.required')
    expect(validateUserForm(form({ display_name: 'A' }), { creating: true }).fields.display_name).toEqual({ key: 'validation.minLength', values: { min: 2 } })
  })

  it('checks an e-mail only when given', () => {
    expect(validateUserForm(form({ email: 'siti@berau.go.id' }), { creating: true }).fields.email).toBeUndefined()
    expect(validateUserForm(form({ email: 'siti@' }), { creating: true }).fields.email?.key).toBe('validation.email')
  })

  it('checks a Telegram chat id only when given: digits, a minus for groups, as the server does', () => {
    for (const ok of ['', '  ', '123456789', ' 987654321 ', '-1001234567890', '1'.repeat(18)])
      expect(validateUserForm(form({ telegram_chat_id: ok }), { creating: true }).fields.telegram_chat_id, ok).toBeUndefined()
    for (const bad of ['@siti', '12ab', '0', '-0', '0123', '1'.repeat(19), '+62812', '12 34'])
      expect(validateUserForm(form({ telegram_chat_id: bad }), { creating: true }).fields.telegram_chat_id?.key, bad).toBe('users.telegramChatIdRule')
  })

  it('needs a password of 10 characters on create, counted in code points', () => {
    expect(passwordError('pendek')).toEqual({ key: 'validation.minLength', values: { min: 10 } })
    expect(passwordError('ääääääääää')).toBeUndefined() // 10 characters, 20 bytes
    expect(passwordError('a'.repeat(257))?.key).toBe('users.passwordTooLong')
    const short = validateUserForm(form({ password: 'pendek', password_confirm: 'pendek' }), { creating: true })
    expect(short.fields.password?.key).toBe('validation.minLength')
    expect(short.fields.password_confirm).toBeUndefined()
    expect(validateUserForm(form({ password: '', password_confirm: '' }), { creating: true }).fields.password?.key).toBe('validation.required')
  })

  it('needs the confirmation to match', () => {
    expect(validateUserForm(form({ password_confirm: 'kata-sandi-lain' }), { creating: true }).fields.password_confirm?.key).toBe('users.passwordMismatch')
  })

  it('lets an edit keep the password by leaving it empty', () => {
    expect(validateUserForm(form({ password: '', password_confirm: '' }), { creating: false }).fields).toEqual({})
    expect(validateUserForm(form({ password: 'pendek', password_confirm: 'pendek' }), { creating: false }).fields.password?.key).toBe('validation.minLength')
  })

  it('reports role rows and an empty role list', () => {
    const v = validateUserForm(form({ roles: [row('petugas', null)] }), { creating: true })
    expect(v.rows[0].agency_id?.key).toBe('validation.required')
    expect(validateUserForm(form({ roles: [] }), { creating: true }).fields.roles?.key).toBe('users.rolesRequired')
  })

  it('keeps an admin from locking themselves out', () => {
    const self = { creating: false, self: true }
    expect(validateUserForm(form({ roles: [row('admin', 1)] }), self).fields).toEqual({})
    expect(validateUserForm(form({ roles: [row('petugas', 1)] }), self).fields.roles?.key).toBe('users.ownAdminRole')
    expect(validateUserForm(form({ roles: [row('admin', 1)], active: false }), self).fields.active?.key).toBe('users.ownActive')
    // Another admin may lose the role.
    expect(validateUserForm(form({ roles: [row('petugas', 1)] }), { creating: false }).fields).toEqual({})
  })
})

describe('user list', () => {
  const list = [
    user(1, 'Budi Santoso', 'admin', { email: 'budi@berau.go.id' }),
    user(2, 'siti Aminah', 'siti.petugas'),
    user(3, 'Ásri Dewi', 'asri'),
  ]

  it('searches name, username and e-mail, ignoring case and accents', () => {
    expect(list.filter((u) => matchesUser(u, 'asri')).map((u) => u.id)).toEqual([3])
    expect(list.filter((u) => matchesUser(u, 'SITI')).map((u) => u.id)).toEqual([2])
    expect(list.filter((u) => matchesUser(u, 'berau.go')).map((u) => u.id)).toEqual([1])
    expect(list.filter((u) => matchesUser(u, 'budi santoso')).map((u) => u.id)).toEqual([1])
    expect(list.filter((u) => matchesUser(u, '  ')).length).toBe(3)
  })

  it('sorts by display name', () => {
    expect(sortUsers(list).map((u) => u.id)).toEqual([3, 1, 2])
  })
})
