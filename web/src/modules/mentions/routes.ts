import type { AppModule } from '../types'

export const mentionsModule: AppModule = {
  name: 'mentions',
  routes: [
    { path: '/mentions', name: 'mentions', component: () => import('./pages/MentionsSearchPage.vue'), meta: { titleKey: 'mentions.title' } },
    { path: '/mentions/import', name: 'mentions-import', component: () => import('./pages/MentionsImportPage.vue'), meta: { titleKey: 'import.title', action: 'mentions.import' } },
  ],
  nav: [
    {
      key: 'mentions',
      labelKey: 'nav.mentions',
      order: 20,
      items: [
        { to: '/mentions', labelKey: 'nav.search', testid: 'nav-mentions', icon: 'search', exact: true },
        { to: '/mentions/import', labelKey: 'nav.import', testid: 'nav-import', icon: 'import', action: 'mentions.import' },
      ],
    },
  ],
}
