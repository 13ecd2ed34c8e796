import { describe, expect, it } from 'vitest'
import type { RoleGrant } from '@/api/types'
import { can, lineage } from './permissions'

// region 1 → agency 2 → unit 3; region 1 → agency 4
const parents: Record<number, number | null> = { 1: null, 2: 1, 3: 2, 4: 1 }
const parentOf = (id: number) => parents[id]
const grant = (role: RoleGrant['role'], agency_id: number): RoleGrant => ({ role, agency_id, agency_name: '' })

describe('permissions', () => {
  it('walks up the hierarchy', () => {
    expect(lineage(3, parentOf)).toEqual([3, 2, 1])
    expect(lineage(9, parentOf)).toEqual([9])
  })

  it('lets admin and koordinator manage agencies in scope', () => {
    expect(can([grant('admin', 1)], 'agencies.write', 3, parentOf)).toBe(true)
    expect(can([grant('koordinator', 2)], 'agencies.write', 3, parentOf)).toBe(true)
    expect(can([grant('koordinator', 2)], 'agencies.write', 4, parentOf)).toBe(false)
    expect(can([grant('pejabat', 2)], 'agencies.write', 2, parentOf)).toBe(false)
    expect(can([grant('pejabat', 2)], 'agencies.write')).toBe(false)
  })

  it('lets a pejabat manage accounts of the own agency only', () => {
    expect(can([grant('pejabat', 2)], 'directory.write', 2, parentOf)).toBe(true)
    expect(can([grant('pejabat', 2)], 'directory.write', 4, parentOf)).toBe(false)
    expect(can([grant('petugas', 2)], 'directory.write', 2, parentOf)).toBe(false)
    expect(can([grant('pejabat', 2)], 'directory.write')).toBe(true)
  })

  it('keeps import from pimpinan and audit to admin', () => {
    expect(can([grant('petugas', 2)], 'mentions.import')).toBe(true)
    expect(can([grant('pimpinan', 1)], 'mentions.import')).toBe(false)
    expect(can([grant('koordinator', 1)], 'audit.read')).toBe(false)
    expect(can([grant('admin', 1)], 'audit.read')).toBe(true)
    expect(can([], 'audit.read')).toBe(false)
  })

  it('lets every role but pimpinan work the inbox, and pejabat and up approve', () => {
    expect(can([grant('petugas', 2)], 'inbox.write', 3, parentOf)).toBe(true)
    expect(can([grant('petugas', 2)], 'inbox.write', 4, parentOf)).toBe(false)
    expect(can([grant('pimpinan', 1)], 'inbox.write')).toBe(false)
    expect(can([grant('petugas', 2)], 'inbox.approve', 2, parentOf)).toBe(false)
    expect(can([grant('pejabat', 2)], 'inbox.approve', 2, parentOf)).toBe(true)
    expect(can([grant('koordinator', 1)], 'calendar.admin')).toBe(false)
  })
})
