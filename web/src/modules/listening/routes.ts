import type { AppModule } from '../types'

export const listeningModule: AppModule = {
  name: 'listening',
  routes: [
    { path: '/listening/queries', name: 'listening-queries', component: () => import('./pages/QueriesPage.vue'), meta: { titleKey: 'listening.queriesTitle' } },
    { path: '/listening/stream', name: 'listening-stream', component: () => import('./pages/StreamPage.vue'), meta: { titleKey: 'listening.streamTitle' } },
  ],
  nav: [
    {
      key: 'listening',
      labelKey: 'nav.listening',
      order: 25,
      items: [
        { to: '/listening/queries', labelKey: 'nav.queries', testid: 'nav-queries', icon: 'listening' },
        { to: '/listening/stream', labelKey: 'nav.stream', testid: 'nav-stream', icon: 'stream' },
      ],
    },
  ],
}
