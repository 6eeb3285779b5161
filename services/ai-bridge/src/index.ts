// @elwosa/ai-bridge: model providers, routing, cache, usage and the OpenAI-compatible API.
export { aiRouteSpecs, aiRoutes } from './api.js';
export { startAiBridge } from './service.js';
