// Confirmed state changes shared by the directory pages (deactivate/activate), with toasts.
import { i18n } from '@/i18n'
import { accountsApi, agenciesApi, appointmentsApi } from '@/api/endpoints'
import type { Account, Agency, Appointment } from '@/api/types'
import { confirmAction } from '@/lib/confirm'
import { errorText } from '@/lib/errors'
import { useAgencyIndexStore } from '@/stores/agencies'
import { useToastStore } from '@/stores/toast'

const t = (key: string, values: Record<string, unknown>) => i18n.global.t(key, values)

/** Asks, then activates or deactivates; resolves to the updated agency, or null when cancelled/failed. */
export async function toggleAgencyActive(agency: Agency): Promise<Agency | null> {
  const toasts = useToastStore()
  const deactivate = agency.active
  const ok = await confirmAction(t(deactivate ? 'agencies.deactivateConfirm' : 'agencies.activateConfirm', { name: agency.name }), {
    danger: deactivate,
    confirmLabel: i18n.global.t(deactivate ? 'common.deactivate' : 'common.activate'),
  })
  if (!ok) return null
  try {
    const updated = deactivate ? await agenciesApi.deactivate(agency.id) : await agenciesApi.activate(agency.id)
    useAgencyIndexStore().upsert(updated)
    toasts.success(t(deactivate ? 'agencies.deactivated' : 'agencies.activated', { name: agency.name }))
    return updated
  } catch (e) {
    toasts.error(errorText(e))
    return null
  }
}

export async function deactivateAccount(account: Account): Promise<Account | null> {
  const toasts = useToastStore()
  const ok = await confirmAction(t('accounts.deactivateConfirm', { handle: account.handle }), { danger: true, confirmLabel: i18n.global.t('common.deactivate') })
  if (!ok) return null
  try {
    const updated = await accountsApi.deactivate(account.id)
    toasts.success(t('accounts.deactivated', { handle: account.handle }))
    return updated
  } catch (e) {
    toasts.error(errorText(e))
    return null
  }
}

export async function deactivateAppointment(appointment: Appointment): Promise<Appointment | null> {
  const toasts = useToastStore()
  const ok = await confirmAction(t('appointments.deactivateConfirm', { number: appointment.decree_number, name: appointment.person_name }), {
    danger: true,
    confirmLabel: i18n.global.t('common.deactivate'),
  })
  if (!ok) return null
  try {
    const updated = await appointmentsApi.deactivate(appointment.id)
    toasts.success(t('appointments.deactivated', { number: appointment.decree_number }))
    return updated
  } catch (e) {
    toasts.error(errorText(e))
    return null
  }
}
