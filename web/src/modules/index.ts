// The modules that are built. Later modules (listening, inbox, publishing, insight, reports,
// planning, risk) add themselves here when they exist; until then they are absent from the app.
import type { RouteRecordRaw } from 'vue-router'
import { alertsModule } from './alerts/routes'
import { auditModule } from './audit/routes'
import { authModule } from './auth/routes'
import { connectorsModule } from './connectors/routes'
import { dashboardModule } from './dashboard/routes'
import { directoryModule } from './directory/routes'
import { inboxModule } from './inbox/routes'
import { listeningModule } from './listening/routes'
import { mentionsModule } from './mentions/routes'
import { spreadModule } from './spread/routes'
import { usersModule } from './users/routes'
import type { AppModule, NavSection } from './types'

export const modules: AppModule[] = [authModule, dashboardModule, mentionsModule, listeningModule, alertsModule, connectorsModule, inboxModule, spreadModule, directoryModule, usersModule, auditModule]

export const moduleRoutes: RouteRecordRaw[] = modules.flatMap((m) => m.routes)

export const navSections: NavSection[] = modules.flatMap((m) => m.nav).sort((a, b) => a.order - b.order)
