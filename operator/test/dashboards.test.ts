import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDashboardsDir, loadDashboards } from '../src/dashboards.js';
import { repoPath } from './support/fixtures.js';

/** Every `datasource` value in a dashboard, as JSON text. */
function datasources(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) datasources(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'datasource') out.push(JSON.stringify(v));
      else datasources(v, out);
    }
  }
  return out;
}

describe('dashboards', () => {
  it('are read from the repository dashboards/ directory by default', () => {
    expect(path.resolve(defaultDashboardsDir())).toBe(path.resolve(repoPath('dashboards')));
    expect(loadDashboards().map((d) => d.name)).toContain('operator');
  });

  it.each(loadDashboards().map((d) => [d.name, d.json]))(
    '%s is a Grafana dashboard with a datasource variable and no fixed datasource',
    (_name, json) => {
      const d = JSON.parse(json) as {
        uid: string;
        title: string;
        schemaVersion: number;
        templating: { list: { type: string; name: string }[] };
      };
      expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(d.title.length).toBeGreaterThan(0);
      expect(d.schemaVersion).toBeGreaterThanOrEqual(30);
      expect(d.templating.list.some((v) => v.type === 'datasource' && v.name === 'datasource')).toBe(true);
      for (const ds of datasources(d)) expect(ds).toMatch(/\$\{datasource\}|"\$datasource"/);
    },
  );

  it('uses only metrics the operator exports in the operator dashboard', () => {
    const json = loadDashboards().find((d) => d.name === 'operator')!.json;
    const metrics = new Set(json.match(/elwosa_operator_[a-z_]+/g));
    const exported = [
      'elwosa_operator_reconcile_total',
      'elwosa_operator_reconcile_errors_total',
      'elwosa_operator_reconcile_duration_seconds_bucket',
      'elwosa_operator_workqueue_depth',
      'elwosa_operator_leader',
      'elwosa_operator_api_writes_total',
      'elwosa_operator_informer_restarts_total',
      'elwosa_operator_stack_condition',
    ];
    for (const m of metrics) expect(exported, m).toContain(m);
  });

  it('loads any *.json file, and rejects files without uid or title', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dash-'));
    writeFileSync(path.join(dir, 'My Board.json'), '{"uid":"b","title":"B"}');
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    expect(loadDashboards(dir)).toEqual([{ name: 'my-board', json: '{"uid":"b","title":"B"}' }]);
    writeFileSync(path.join(dir, 'bad.json'), '{"title":"no uid"}');
    expect(() => loadDashboards(dir)).toThrow(/uid and title/);
    expect(loadDashboards(path.join(dir, 'missing'))).toEqual([]);
  });
});
