// meta.k8s.io/v1 Table responses (what `kubectl get` asks for): Name, the CRD's printer columns
// (date columns as ages, like the API server's CRD table convertor), or Name + Age.
import type { KubeRecord } from './fields.js';
import { evaluateJsonPath } from './jsonpath.js';
import type { PrinterColumn, ResourceType } from './resources.js';

const DEFAULT_COLUMNS: PrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

export function age(timestamp: string, at = Date.now()): string {
  const seconds = Math.max(0, Math.floor((at - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

function cell(object: KubeRecord, column: PrinterColumn): unknown {
  const values = evaluateJsonPath(object, column.jsonPath);
  if (values.length === 0) return null;
  if (column.type === 'date') return age(String(values[0]));
  if (values.length === 1) return values[0];
  return values.map(String).join(',');
}

export function toTable(type: ResourceType, objects: KubeRecord[], resourceVersion: string): KubeRecord {
  const columns = type.printerColumns ?? DEFAULT_COLUMNS;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 },
      ...columns.map((c) => ({
        name: c.name,
        type: c.type === 'date' ? 'string' : c.type,
        format: '',
        description: c.description ?? '',
        priority: c.priority ?? 0,
      })),
    ],
    rows: objects.map((o) => ({
      cells: [(o.metadata as { name: string }).name, ...columns.map((c) => cell(o, c))],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
