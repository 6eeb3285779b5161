// Types of hack/dashboards.mjs (imported by operator/test/metrics).
export const DASHBOARDS: Record<string, { uid: string; title: string; [field: string]: unknown }>;
