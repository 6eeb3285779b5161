// The JSONPath subset printer columns use: `.a.b`, `.a[0]`, `.a[*]`, `.a[?(@.k=="v")].b`.

type Step =
  | { field: string }
  | { index: number }
  | { all: true }
  | { filter: { path: string[]; value: string } };

function parse(path: string): Step[] {
  const steps: Step[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\*\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*["']([^"']*)["']\)\]/g;
  let m: RegExpExecArray | null = re.exec(path);
  let consumed = 0;
  while (m) {
    if (m.index !== consumed) throw new Error(`unsupported JSONPath ${path}`);
    consumed = m.index + m[0].length;
    if (m[1] !== undefined) steps.push({ field: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ filter: { path: m[3].split('.'), value: m[4] ?? '' } });
    else steps.push({ all: true });
    m = re.exec(path);
  }
  if (consumed !== path.length) throw new Error(`unsupported JSONPath ${path}`);
  return steps;
}

function get(value: unknown, path: string[]): unknown {
  let v = value;
  for (const p of path)
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** All values the path selects. */
export function evaluateJsonPath(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const step of parse(path)) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || v === undefined) continue;
      if ('field' in step) {
        const f = (v as Record<string, unknown>)[step.field];
        if (f !== undefined) next.push(f);
      } else if ('index' in step) {
        if (Array.isArray(v) && v[step.index] !== undefined) next.push(v[step.index]);
      } else if ('all' in step) {
        if (Array.isArray(v)) next.push(...v);
      } else if (Array.isArray(v)) {
        next.push(...v.filter((item) => String(get(item, step.filter.path)) === step.filter.value));
      }
    }
    current = next;
  }
  return current;
}
