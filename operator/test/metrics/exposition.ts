// The metric names (and the label names of their samples) in Prometheus text exposition.

export interface Exported {
  type: string;
  /** Label names seen on samples (empty when the metric has no sample yet). */
  labels: Set<string>;
  samples: number;
}

const SERIES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/**
 * prom-client prints `# HELP` and `# TYPE` for every registered metric, also before its first
 * observation (labelled metrics then have no sample line), so registered names are all known.
 */
export function parseExposition(text: string, into = new Map<string, Exported>()): Map<string, Exported> {
  const entry = (name: string, type: string) => {
    let e = into.get(name);
    if (!e) {
      e = { type, labels: new Set(), samples: 0 };
      into.set(name, e);
    }
    return e;
  };
  for (const line of text.split('\n')) {
    const typeLine = /^# TYPE (\S+) (\S+)/.exec(line);
    if (typeLine) {
      const [, name, type] = typeLine as unknown as [string, string, string];
      for (const suffix of SERIES[type] ?? ['']) entry(`${name}${suffix}`, type);
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s/.exec(line);
    if (!sample) continue;
    const e = entry(sample[1] as string, 'untyped');
    e.samples++;
    for (const m of (sample[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) e.labels.add(m[1] as string);
  }
  return into;
}
