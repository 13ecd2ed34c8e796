import type { AppModule } from '../types'

export const alertsModule: AppModule = {
  name: 'alerts',
  routes: [
    { path: '/alerts', name: 'alerts', component: () => import('./pages/AlertsPage.vue'), meta: { titleKey: 'alerts.title' } },
    { path: '/alerts/:id(\\d+)', name: 'alert', component: () => import('./pages/AlertDetailPage.vue'), meta: { titleKey: 'alerts.title' } },
    { path: '/alerts/settings', name: 'alert-settings', component: () => import('./pages/AlertSettingsPage.vue'), meta: { titleKey: 'alerts.settings.title' } },
  ],
  nav: [
    {
      key: 'alerts',
      labelKey: 'nav.alertsSection',
      order: 26,
      items: [
        { to: '/alerts', labelKey: 'nav.alerts', testid: 'nav-alerts', icon: 'bell', exact: true },
        { to: '/alerts/settings', labelKey: 'nav.alertSettings', testid: 'nav-alert-settings', icon: 'settings' },
      ],
    },
  ],
}
