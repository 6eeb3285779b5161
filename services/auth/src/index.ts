export { authRouteSpecs, authRoutes } from './api.js';
export { AUTH_SCHEMA, authMigrationsDir, startAuth } from './service.js';
