// The generated dashboards are fresh, distinct, and the operator deploys every one of them.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../../hack/dashboards.mjs';
import { loadDashboards } from '../../src/dashboards.js';
import { renderManifest } from '../../src/render.js';
import { FIXED_SECRETS, readRepoFile, repoPath } from '../support/fixtures.js';

describe('dashboards/', () => {
  it('holds what hack/dashboards.mjs generates (run it after changing the definitions)', () => {
    for (const [file, dashboard] of Object.entries(DASHBOARDS))
      expect(JSON.parse(readRepoFile('dashboards', file)), file).toEqual(dashboard);
  });

  it('has the platform, AI, real-time and operator dashboards with distinct uids and titles', () => {
    const files = readdirSync(repoPath('dashboards')).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['ai.json', 'operator.json', 'platform.json', 'realtime.json']);
    const parsed = files.map((f) => JSON.parse(readFileSync(repoPath('dashboards', f), 'utf8')));
    expect(new Set(parsed.map((d) => d.uid)).size).toBe(files.length);
    expect(new Set(parsed.map((d) => d.title)).size).toBe(files.length);
  });

  it('are all deployed by the operator as Grafana sidecar ConfigMaps', () => {
    const dashboards = loadDashboards();
    expect(dashboards.map((d) => d.name)).toEqual(['ai', 'operator', 'platform', 'realtime']);
    const objects = renderManifest(readRepoFile('examples', 'gpu.yaml'), {
      capabilities: { monitoring: true, cloudNativePG: false },
      dashboards,
      secrets: FIXED_SECRETS,
    });
    const maps = objects.filter(
      (o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1',
    );
    expect(
      maps.map((m) => Object.keys((m as unknown as { data: Record<string, string> }).data)[0]).sort(),
    ).toEqual(['ai.json', 'operator.json', 'platform.json', 'realtime.json']);
  });
});
