// Names of the objects derived from a stack (all within 63 characters for names of at most 40).
import type { Target } from '../api/targets.js';

export const names = {
  target: (stack: string, target: Target) => `${stack}-${target}`,
  postgres: (stack: string) => `${stack}-postgres`,
  cnpgCluster: (stack: string) => `${stack}-pg`,
  /** CloudNativePG writes the application credentials into `<cluster>-app` (key `uri`). */
  cnpgAppSecret: (stack: string) => `${stack}-pg-app`,
  redis: (stack: string) => `${stack}-redis`,
  ollama: (stack: string) => `${stack}-ollama`,
  jwt: (stack: string) => `${stack}-jwt`,
  migrations: (stack: string, versionHash: string) => `${stack}-migrate-${versionHash}`,
  ingress: (stack: string) => `${stack}`,
  tlsSecret: (stack: string) => `${stack}-tls`,
  prometheusRule: (stack: string) => `${stack}`,
  networkPolicy: (stack: string, component: string) => `${stack}-${component}`,
  dashboard: (namespace: string, stack: string, dashboard: string) =>
    `${namespace}-${stack}-dashboard-${dashboard}`,
};
