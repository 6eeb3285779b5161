export { analyticsRouteSpecs, analyticsRoutes } from './api.js';
export { ANALYTICS_SCHEMA, analyticsMigrationsDir, startAnalytics } from './service.js';
