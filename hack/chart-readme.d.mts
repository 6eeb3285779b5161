// Types of hack/chart-readme.mjs (imported by operator/test/chart).
export interface ValueRow {
  key: string;
  type: string;
  default: string;
  description: string;
}
export function valueRows(text: string): ValueRow[];
export function valuesTable(text: string): string;
export function updateReadme(readme: string, valuesText: string): string;
