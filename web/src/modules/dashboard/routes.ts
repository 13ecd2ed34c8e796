import type { AppModule } from '../types'

export const dashboardModule: AppModule = {
  name: 'dashboard',
  routes: [
    {
      path: '/',
      name: 'dashboard',
      component: () => import('./pages/DashboardPage.vue'),
      meta: { titleKey: 'dashboard.title' },
    },
  ],
  nav: [{ key: 'dashboard', order: 10, items: [{ to: '/', labelKey: 'nav.dashboard', testid: 'nav-dashboard', icon: 'dashboard', exact: true }] }],
}
