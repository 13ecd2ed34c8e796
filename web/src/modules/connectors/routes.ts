import type { AppModule } from '../types'

export const connectorsModule: AppModule = {
  name: 'connectors',
  routes: [
    { path: '/connectors', name: 'connectors', component: () => import('./pages/ConnectorsPage.vue'), meta: { titleKey: 'connectors.title' } },
  ],
  nav: [
    {
      key: 'sources',
      labelKey: 'nav.sources',
      order: 27,
      items: [{ to: '/connectors', labelKey: 'nav.connectors', testid: 'nav-connectors', icon: 'connectors' }],
    },
  ],
}
