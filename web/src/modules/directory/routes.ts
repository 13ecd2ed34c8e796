import type { AppModule } from '../types'

export const directoryModule: AppModule = {
  name: 'directory',
  routes: [
    { path: '/directory', redirect: '/directory/agencies' },
    { path: '/directory/agencies', name: 'agencies', component: () => import('./pages/AgenciesPage.vue'), meta: { titleKey: 'agencies.title' } },
    { path: '/directory/agencies/new', name: 'agency-new', component: () => import('./pages/AgencyFormPage.vue'), meta: { titleKey: 'agencies.newTitle', action: 'agencies.write' } },
    { path: '/directory/agencies/:id(\\d+)', name: 'agency', component: () => import('./pages/AgencyDetailPage.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { titleKey: 'agencies.title' } },
    { path: '/directory/agencies/:id(\\d+)/edit', name: 'agency-edit', component: () => import('./pages/AgencyFormPage.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { titleKey: 'agencies.editTitle', action: 'agencies.write' } },
    { path: '/directory/accounts', name: 'accounts', component: () => import('./pages/AccountsPage.vue'), meta: { titleKey: 'accounts.title' } },
    { path: '/directory/accounts/new', name: 'account-new', component: () => import('./pages/AccountFormPage.vue'), meta: { titleKey: 'accounts.newTitle', action: 'directory.write' } },
    { path: '/directory/accounts/:id(\\d+)/edit', name: 'account-edit', component: () => import('./pages/AccountFormPage.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { titleKey: 'accounts.editTitle', action: 'directory.write' } },
    { path: '/directory/appointments', name: 'appointments', component: () => import('./pages/AppointmentsPage.vue'), meta: { titleKey: 'appointments.title' } },
    { path: '/directory/appointments/new', name: 'appointment-new', component: () => import('./pages/AppointmentFormPage.vue'), meta: { titleKey: 'appointments.newTitle', action: 'directory.write' } },
    { path: '/directory/appointments/:id(\\d+)/edit', name: 'appointment-edit', component: () => import('./pages/AppointmentFormPage.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { titleKey: 'appointments.editTitle', action: 'directory.write' } },
  ],
  nav: [
    {
      key: 'directory',
      labelKey: 'nav.directory',
      order: 30,
      items: [
        { to: '/directory/agencies', labelKey: 'nav.agencies', testid: 'nav-agencies', icon: 'agencies' },
        { to: '/directory/accounts', labelKey: 'nav.accounts', testid: 'nav-accounts', icon: 'accounts' },
        { to: '/directory/appointments', labelKey: 'nav.appointments', testid: 'nav-appointments', icon: 'appointments' },
      ],
    },
  ],
}
