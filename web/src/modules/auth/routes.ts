import type { AppModule } from '../types'

export const authModule: AppModule = {
  name: 'auth',
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./pages/LoginPage.vue'),
      meta: { public: true, titleKey: 'login.title' },
    },
  ],
  nav: [],
}
