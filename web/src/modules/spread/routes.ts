import type { AppModule } from '../types'

export const spreadModule: AppModule = {
  name: 'spread',
  routes: [
    { path: '/mentions/:id(\\d+)', name: 'mention-detail', component: () => import('./pages/MentionDetailPage.vue'), meta: { titleKey: 'spread.detail.title' } },
    { path: '/authors', name: 'top-authors', component: () => import('./pages/TopAuthorsPage.vue'), meta: { titleKey: 'spread.top.title' } },
    { path: '/authors/:platform/:handle', name: 'author-profile', component: () => import('./pages/AuthorProfilePage.vue'), meta: { titleKey: 'spread.author.title' } },
  ],
  nav: [
    {
      key: 'spread',
      labelKey: 'nav.spread',
      order: 21,
      items: [{ to: '/authors', labelKey: 'nav.authors', testid: 'nav-authors', icon: 'users' }],
    },
  ],
}
