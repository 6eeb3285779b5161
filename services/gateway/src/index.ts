// @elwosa/gateway: the API gateway target (routing, JWT check, rate limit, CORS, /ws).
export { type GatewayOptions, type RunningGateway, startGateway } from './gateway.js';
export { ConnectionRegistry, type HubConnection } from './ws/hub.js';
export * from './ws/protocol.js';
