import type { AppModule } from '../types'

export const inboxModule: AppModule = {
  name: 'inbox',
  routes: [
    { path: '/inbox', name: 'inbox', component: () => import('./pages/InboxPage.vue'), meta: { titleKey: 'inbox.title' } },
    { path: '/inbox/cases/:id(\\d+)', name: 'inbox-case', component: () => import('./pages/CasePage.vue'), meta: { titleKey: 'inbox.title' } },
    { path: '/inbox/dispositions', name: 'inbox-dispositions', component: () => import('./pages/DispositionsPage.vue'), meta: { titleKey: 'inbox.dispositions.title' } },
    { path: '/inbox/answers', name: 'inbox-answers', component: () => import('./pages/AnswersPage.vue'), meta: { titleKey: 'inbox.answers.title' } },
    { path: '/inbox/responsiveness', name: 'inbox-responsiveness', component: () => import('./pages/ResponsivenessPage.vue'), meta: { titleKey: 'inbox.resp.title' } },
    { path: '/inbox/settings', name: 'inbox-settings', component: () => import('./pages/InboxSettingsPage.vue'), meta: { titleKey: 'inbox.settings.title' } },
    { path: '/inbox/holidays', name: 'inbox-holidays', component: () => import('./pages/HolidaysPage.vue'), meta: { titleKey: 'inbox.holidays.title' } },
  ],
  nav: [
    {
      key: 'inbox',
      labelKey: 'nav.inbox',
      order: 15,
      items: [
        { to: '/inbox', labelKey: 'nav.inboxCases', testid: 'nav-inbox', icon: 'inbox', exact: true },
        { to: '/inbox/dispositions', labelKey: 'nav.dispositions', testid: 'nav-dispositions', icon: 'forward' },
        { to: '/inbox/answers', labelKey: 'nav.answers', testid: 'nav-answers', icon: 'book' },
        { to: '/inbox/responsiveness', labelKey: 'nav.responsiveness', testid: 'nav-responsiveness', icon: 'chart' },
        { to: '/inbox/settings', labelKey: 'nav.inboxSettings', testid: 'nav-inbox-settings', icon: 'settings' },
        { to: '/inbox/holidays', labelKey: 'nav.holidays', testid: 'nav-holidays', icon: 'calendar' },
      ],
    },
  ],
}
