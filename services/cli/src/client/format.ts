// Human-readable output of the client commands (pure). `--json` output is the API's JSON.

export interface TaskView {
  id: string;
  title: string;
  status: string;
  priority: string;
  dueAt: string | null;
  tags: string[];
  progress: { done: number; total: number };
}

const COLUMNS = ['ID', 'STATUS', 'PRIORITY', 'DUE', 'STEPS', 'TITLE'] as const;

/** Dates as `YYYY-MM-DD HH:MM` UTC: short, sortable and independent of the machine's zone. */
export const shortTime = (iso: string | null): string =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '-';

function cells(t: TaskView): string[] {
  const tags = t.tags.length > 0 ? `  [${t.tags.join(', ')}]` : '';
  return [
    t.id,
    t.status,
    t.priority,
    shortTime(t.dueAt),
    t.progress.total > 0 ? `${t.progress.done}/${t.progress.total}` : '-',
    `${oneLine(t.title)}${tags}`,
  ];
}

/** Control characters from the server never reach the terminal (no escape-sequence injection). */
export const oneLine = (s: string): string => s.replace(/\p{Cc}+/gu, ' ');

export function taskTable(tasks: readonly TaskView[]): string {
  if (tasks.length === 0) return 'no tasks';
  const rows = [[...COLUMNS], ...tasks.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
