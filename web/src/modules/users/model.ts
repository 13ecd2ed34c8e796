// Users of humas (admin only): API shapes of docs/api.md "Users (admin)" and the form rules of
// src/api/user_routes.cc, kept pure so they can be unit-tested. Messages are i18n keys + values.
import type { RoleGrant, RoleId } from '@/api/types'

export interface User {
  id: number
  username: string
  display_name: string
  email: string
  /** The chat the humas Telegram bot sends notifications to; "" = none. */
  telegram_chat_id: string
  locale: string
  active: boolean
  roles: RoleGrant[]
}

export interface RoleGrantInput {
  role: RoleId
  agency_id: number
}

export interface UserCreateInput {
  username: string
  display_name: string
  email: string
  telegram_chat_id: string
  password: string
  roles: RoleGrantInput[]
  locale: string
  active: boolean
}

export type UserUpdateInput = Partial<Omit<UserCreateInput, 'username'>>

/** One editable row of the roles editor; `key` keeps Vue's list identity stable while rows move. */
export interface RoleRow {
  key: number
  role: RoleId | ''
  agency_id: number | null
}

/** An error to show: an i18n key and its values. */
export interface Message {
  key: string
  values?: Record<string, unknown>
}

export type RowErrors = { role?: Message; agency_id?: Message }

export interface UserForm {
  username: string
  display_name: string
  email: string
  telegram_chat_id: string
  password: string
  password_confirm: string
  locale: string
  active: boolean
  roles: RoleRow[]
}

export interface Validation {
  /** Errors by field: username, display_name, email, telegram_chat_id, password, password_confirm, roles, active. */
  fields: Record<string, Message>
  /** Errors of role rows by row index. */
  rows: Record<number, RowErrors>
}

export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/
export const PASSWORD_MIN = 10
export const PASSWORD_MAX_BYTES = 256
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
/** A Telegram chat id as the server accepts it: a person's id, or a group's negative id. */
export const TELEGRAM_CHAT_ID_PATTERN = /^-?[1-9][0-9]{0,17}$/

/** The username as the server stores it (trimmed, lower-cased). */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase()
}

/** Code points, as the server counts them (so "ä" is one character). */
export function passwordLength(password: string): number {
  return [...password].length
}

export function passwordError(password: string): Message | undefined {
  if (passwordLength(password) < PASSWORD_MIN) return { key: 'validation.minLength', values: { min: PASSWORD_MIN } }
  if (new TextEncoder().encode(password).length > PASSWORD_MAX_BYTES) return { key: 'users.passwordTooLong' }
  return undefined
}

/**
 * Checks role rows: each needs a role and an agency, the same role on the same agency only once,
 * and at least one row (a user without roles sees nothing; deactivate the user instead).
 */
export function validateRoleRows(rows: RoleRow[]): { rows: Record<number, RowErrors>; general?: Message } {
  const errors: Record<number, RowErrors> = {}
  const seen = new Set<string>()
  rows.forEach((row, i) => {
    const e: RowErrors = {}
    if (!row.role) e.role = { key: 'validation.required' }
    if (row.agency_id === null) e.agency_id = { key: 'validation.required' }
    if (row.role && row.agency_id !== null) {
      const pair = `${row.role}@${row.agency_id}`
      if (seen.has(pair)) e.role = { key: 'users.duplicateRole' }
      seen.add(pair)
    }
    if (e.role || e.agency_id) errors[i] = e
  })
  return { rows: errors, general: rows.length === 0 ? { key: 'users.rolesRequired' } : undefined }
}

/** The grants to send: complete rows only, in order. */
export function roleGrants(rows: RoleRow[]): RoleGrantInput[] {
  return rows.filter((r) => r.role && r.agency_id !== null).map((r) => ({ role: r.role as RoleId, agency_id: r.agency_id as number }))
}

/**
 * Validates the whole form. `creating` makes username and password required; `self` is true when
 * the admin edits their own account (they may not drop their admin role or deactivate themselves,
 * which the server refuses with failed_precondition).
 */
export function validateUserForm(form: UserForm, opts: { creating: boolean; self?: boolean }): Validation {
  const fields: Record<string, Message> = {}
  if (opts.creating) {
    const username = normalizeUsername(form.username)
    if (!username) fields.username = { key: 'validation.required' }
    else if (!USERNAME_PATTERN.test(username)) fields.username = { key: 'users.usernameRule' }
  }
  const name = form.display_name.trim()
  if (!name) fields.display_name = { key: 'validation.required' }
  else if (name.length < 2) fields.display_name = { key: 'validation.minLength', values: { min: 2 } }
  else if (name.length > 200) fields.display_name = { key: 'validation.maxLength', values: { max: 200 } }
  const email = form.email.trim()
  if (email.length > 200) fields.email = { key: 'validation.maxLength', values: { max: 200 } }
  else if (email && !EMAIL_PATTERN.test(email)) fields.email = { key: 'validation.email' }
  const chat = form.telegram_chat_id.trim()
  if (chat && !TELEGRAM_CHAT_ID_PATTERN.test(chat)) fields.telegram_chat_id = { key: 'users.telegramChatIdRule' }
  if (opts.creating || form.password !== '') {
    if (!form.password) fields.password = { key: 'validation.required' }
    else {
      const e = passwordError(form.password)
      if (e) fields.password = e
    }
    if (!fields.password && form.password_confirm !== form.password) fields.password_confirm = { key: 'users.passwordMismatch' }
  }
  const roles = validateRoleRows(form.roles)
  if (roles.general) fields.roles = roles.general
  if (opts.self) {
    if (!form.roles.some((r) => r.role === 'admin')) fields.roles = { key: 'users.ownAdminRole' }
    if (!form.active) fields.active = { key: 'users.ownActive' }
  }
  return { fields, rows: roles.rows }
}

/** Rows of the editor for a user's grants. */
export function rowsFromGrants(grants: RoleGrant[], nextKey: () => number): RoleRow[] {
  return grants.map((g) => ({ key: nextKey(), role: g.role, agency_id: g.agency_id }))
}

/** Case- and accent-insensitive match of a search text against name, username and e-mail. */
export function matchesUser(user: User, query: string): boolean {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
  const q = fold(query.trim())
  if (!q) return true
  const hay = fold(`${user.display_name} ${user.username} ${user.email}`)
  return q.split(/\s+/).every((word) => hay.includes(word))
}

/** Sorts by display name in the Indonesian collation, then username. */
export function sortUsers(users: User[]): User[] {
  const collator = new Intl.Collator('id', { sensitivity: 'base' })
  return [...users].sort((a, b) => collator.compare(a.display_name, b.display_name) || collator.compare(a.username, b.username))
}
