// What the signed-in user's roles allow, mirroring the roles table of docs/api.md, so the UI shows
// only the buttons that will work. The server enforces the same rules; this only hides what would fail.
import type { RoleGrant, RoleId } from '@/api/types'

export type Action =
  | 'agencies.write'
  | 'directory.write' // accounts and appointments
  | 'mentions.import'
  | 'users.manage'
  | 'audit.read'
  | 'labels.correct'
  | 'inbox.write' // cases, notes, replies, dispositions
  | 'inbox.approve' // replies and ready answers
  | 'calendar.admin'
  | 'inbox.settings' // a region's inbox settings (deadline, office hours, reminders)
  | 'queries.write' // agency queries (listening)
  | 'connectors.write' // connectors: create, edit, run, pause, delete
  | 'connectors.budget' // a connector's monthly read budget

const ALLOWED: Record<Action, RoleId[]> = {
  'agencies.write': ['admin', 'koordinator'],
  'directory.write': ['admin', 'koordinator', 'pejabat'],
  'mentions.import': ['admin', 'koordinator', 'pejabat', 'petugas'],
  'users.manage': ['admin'],
  'audit.read': ['admin'],
  'labels.correct': ['admin', 'koordinator', 'pejabat', 'petugas'],
  'inbox.write': ['admin', 'koordinator', 'pejabat', 'petugas'],
  'inbox.approve': ['admin', 'koordinator', 'pejabat'],
  'calendar.admin': ['admin'],
  'inbox.settings': ['admin', 'koordinator'],
  'queries.write': ['admin', 'koordinator', 'pejabat', 'petugas'],
  'connectors.write': ['admin', 'koordinator', 'pejabat'],
  'connectors.budget': ['admin'],
}

/** Parent of an agency, or null for a region / unknown agency. */
export type ParentLookup = (agencyId: number) => number | null | undefined

/** The agency and its ancestors, nearest first (stops on cycles). */
export function lineage(agencyId: number, parentOf: ParentLookup): number[] {
  const chain: number[] = []
  let current: number | null | undefined = agencyId
  while (current !== null && current !== undefined && !chain.includes(current)) {
    chain.push(current)
    current = parentOf(current)
  }
  return chain
}

/**
 * Whether `roles` allow `action`. Without `agencyId` the question is "anywhere in scope" (e.g. whether
 * to show a create button at all); with it, a grant must be on that agency or one of its ancestors.
 */
export function can(roles: RoleGrant[], action: Action, agencyId?: number | null, parentOf?: ParentLookup): boolean {
  const grants = roles.filter((grant) => ALLOWED[action].includes(grant.role))
  if (grants.length === 0) return false
  if (agencyId === undefined || agencyId === null) return true
  const chain = parentOf ? lineage(agencyId, parentOf) : [agencyId]
  return grants.some((grant) => chain.includes(grant.agency_id))
}

export function hasRole(roles: RoleGrant[], role: RoleId): boolean {
  return roles.some((grant) => grant.role === role)
}
