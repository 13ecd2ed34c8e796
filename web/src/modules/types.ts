// What a feature module contributes: its routes and its sidebar entries. A module that is not built
// yet contributes nothing, so it does not appear at all.
import type { RouteRecordRaw } from 'vue-router'
import type { Action } from '@/lib/permissions'

export interface NavItem {
  to: string
  labelKey: string
  testid: string
  icon: string
  action?: Action
  exact?: boolean
}

export interface NavSection {
  key: string
  labelKey?: string
  items: NavItem[]
  order: number
}

export interface AppModule {
  name: string
  routes: RouteRecordRaw[]
  nav: NavSection[]
}

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (the login page). */
    public?: boolean
    /** Permission needed to open the page. */
    action?: Action
    /** i18n key of the page title (document.title). */
    titleKey?: string
  }
}
