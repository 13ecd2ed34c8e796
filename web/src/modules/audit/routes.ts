import type { AppModule } from '../types'

export const auditModule: AppModule = {
  name: 'audit',
  routes: [
    { path: '/audit', name: 'audit', component: () => import('./pages/AuditPage.vue'), meta: { titleKey: 'audit.title', action: 'audit.read' } },
  ],
  nav: [{ key: 'governance', order: 90, items: [{ to: '/audit', labelKey: 'nav.audit', testid: 'nav-audit', icon: 'audit', action: 'audit.read' }] }],
}
