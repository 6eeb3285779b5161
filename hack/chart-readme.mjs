// Writes the values table of charts/<chart>/README.md from the `# --` comments in its values.yaml
// (between the BEGIN/END markers). A key with a `# --` comment is one row (its whole subtree is
// the default); a key without one is described through its children.
// usage: node hack/chart-readme.mjs [charts/elwosa-operator] [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, parseDocument } from 'yaml';

const BEGIN = '<!-- BEGIN values (node hack/chart-readme.mjs) -->';
const END = '<!-- END values -->';

/** Rows `{ key, type, default, description }` of a values.yaml text. */
export function valueRows(text) {
  const doc = parseDocument(text);
  const rows = [];
  const walk = (map, prefix) => {
    for (const [i, pair] of map.items.entries()) {
      if (!isPair(pair)) continue;
      const key = `${prefix}${String(isScalar(pair.key) ? pair.key.value : pair.key)}`;
      // The yaml parser attaches the comment before a map's first key to the map itself.
      const comment = (pair.key?.commentBefore ?? (i === 0 ? map.commentBefore : undefined)) || '';
      const doc = comment
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.startsWith('--'));
      if (doc === undefined && isMap(pair.value)) {
        walk(pair.value, `${key}.`);
        continue;
      }
      if (doc === undefined) throw new Error(`${key}: no "# --" description in values.yaml`);
      const value = pair.value?.toJSON?.() ?? pair.value ?? null;
      rows.push({
        key,
        type: Array.isArray(value)
          ? 'list'
          : value === null
            ? 'null'
            : typeof value === 'object'
              ? 'object'
              : typeof value,
        default: JSON.stringify(value),
        description: doc.replace(/^--\s*/, ''),
      });
    }
  };
  if (isMap(doc.contents)) walk(doc.contents, '');
  return rows;
}

export function valuesTable(text) {
  const cell = (s) => s.replaceAll('|', '\\|');
  return [
    '| Key | Type | Default | Description |',
    '|---|---|---|---|',
    ...valueRows(text).map(
      (r) => `| \`${r.key}\` | ${r.type} | \`${cell(r.default)}\` | ${cell(r.description)} |`,
    ),
  ].join('\n');
}

export function updateReadme(readme, valuesText) {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${BEGIN} … ${END}`);
  return `${readme.slice(0, start + BEGIN.length)}\n\n${valuesTable(valuesText)}\n\n${readme.slice(end)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const chart = args.find((a) => !a.startsWith('--')) ?? 'charts/elwosa-operator';
  const readmePath = path.join(chart, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const next = updateReadme(readme, readFileSync(path.join(chart, 'values.yaml'), 'utf8'));
  if (args.includes('--check')) {
    if (next !== readme) {
      console.error(`${readmePath} is stale: run node hack/chart-readme.mjs ${chart}`);
      process.exit(1);
    }
  } else writeFileSync(readmePath, next);
}
