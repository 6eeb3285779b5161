export { notificationRouteSpecs, notificationRoutes } from './api.js';
export { NOTIFICATIONS_SCHEMA, notificationsMigrationsDir, startNotifications } from './service.js';
