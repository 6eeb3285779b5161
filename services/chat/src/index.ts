export { chatRouteSpecs, chatRoutes } from './api.js';
export { CHAT_SCHEMA, chatMigrationsDir, startChat } from './service.js';
