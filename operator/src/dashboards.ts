// Grafana dashboards: every dashboards/*.json file becomes one ConfigMap per stack. The set is
// data-driven: add a file and the operator deploys it. In the operator image the directory is
// copied next to the operator (see docs/operator.md); ELWOSA_DASHBOARDS_DIR overrides the path.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dashboard } from './specs/context.js';

/** operator/{src,dist}/dashboards.{ts,js} → <repo or image root>/dashboards */
export function defaultDashboardsDir(): string {
  return process.env.ELWOSA_DASHBOARDS_DIR ?? fileURLToPath(new URL('../../dashboards/', import.meta.url));
}

export function loadDashboards(dir = defaultDashboardsDir()): Dashboard[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return files.sort().map((file) => {
    const json = readFileSync(path.join(dir, file), 'utf8');
    const parsed = JSON.parse(json) as { uid?: unknown; title?: unknown };
    if (typeof parsed.uid !== 'string' || typeof parsed.title !== 'string') {
      throw new Error(`dashboard ${file}: uid and title are required`);
    }
    return {
      name: file
        .replace(/\.json$/, '')
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-'),
      json,
    };
  });
}
