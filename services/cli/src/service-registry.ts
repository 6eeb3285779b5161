// The services this build of the platform contains: how to start each target, its migrations,
// and its public routes (for the gateway's OpenAPI document).
import { aiRouteSpecs, startAiBridge } from '@elwosa/ai-bridge';
import {
  ANALYTICS_SCHEMA,
  analyticsMigrationsDir,
  analyticsRouteSpecs,
  startAnalytics,
} from '@elwosa/analytics';
import { AUTH_SCHEMA, authMigrationsDir, authRouteSpecs, startAuth } from '@elwosa/auth';
import { CHAT_SCHEMA, chatMigrationsDir, chatRouteSpecs, startChat } from '@elwosa/chat';
import { startGateway } from '@elwosa/gateway';
import { MEMORY_SCHEMA, memoryMigrationsDir, memoryRouteSpecs, startMemory } from '@elwosa/memory';
import {
  NOTIFICATIONS_SCHEMA,
  notificationRouteSpecs,
  notificationsMigrationsDir,
  startNotifications,
} from '@elwosa/notifications';
import type { RouteSpec, ServiceStarter, Target } from '@elwosa/runtime';
import { startTasks, TASKS_SCHEMA, taskRouteSpecs, tasksMigrationsDir } from '@elwosa/tasks';

export interface MigrationSet {
  schema: string;
  dir: string;
}

export interface ServiceEntry {
  target: Target;
  start: ServiceStarter;
  migrations?: MigrationSet;
  routes: readonly RouteSpec[];
}

const backendServices: ServiceEntry[] = [
  {
    target: 'auth',
    start: startAuth,
    migrations: { schema: AUTH_SCHEMA, dir: authMigrationsDir },
    routes: authRouteSpecs,
  },
  {
    target: 'memory',
    start: startMemory,
    migrations: { schema: MEMORY_SCHEMA, dir: memoryMigrationsDir },
    routes: memoryRouteSpecs,
  },
  {
    target: 'chat',
    start: startChat,
    migrations: { schema: CHAT_SCHEMA, dir: chatMigrationsDir },
    routes: chatRouteSpecs,
  },
  {
    target: 'tasks',
    start: startTasks,
    migrations: { schema: TASKS_SCHEMA, dir: tasksMigrationsDir },
    routes: taskRouteSpecs,
  },
  {
    target: 'notifications',
    start: startNotifications,
    migrations: { schema: NOTIFICATIONS_SCHEMA, dir: notificationsMigrationsDir },
    routes: notificationRouteSpecs,
  },
  {
    target: 'analytics',
    start: startAnalytics,
    migrations: { schema: ANALYTICS_SCHEMA, dir: analyticsMigrationsDir },
    routes: analyticsRouteSpecs,
  },
  { target: 'ai-bridge', start: startAiBridge, routes: aiRouteSpecs },
];

/** Every public route of every service, in one list. */
export const allRouteSpecs: readonly RouteSpec[] = backendServices.flatMap((s) => s.routes);

export const SERVICES: readonly ServiceEntry[] = [
  ...backendServices,
  { target: 'gateway', start: (deps) => startGateway(deps, { routeSpecs: allRouteSpecs }), routes: [] },
];

export const availableTargets = (): Target[] => SERVICES.map((s) => s.target);

export function serviceEntry(target: Target): ServiceEntry | undefined {
  return SERVICES.find((s) => s.target === target);
}

export const allMigrations = (): MigrationSet[] =>
  SERVICES.flatMap((s) => (s.migrations ? [s.migrations] : []));
