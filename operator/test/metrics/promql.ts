// Metric names and label matchers in PromQL expressions and Grafana variable queries (a small
// tokenizer, enough for the dashboards and rules here; not a full PromQL parser).

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
  'atan2',
]);
const CLAUSES = /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;

export interface Selector {
  metric: string;
  /** Label names in the selector's `{…}` matchers. */
  labels: string[];
}

/** Grafana variable functions: label_values(<selector>, <label>) and friends → the PromQL inside. */
function grafanaQuery(expr: string): string {
  return expr
    .replace(/\blabel_values\(\s*([^,()]*(?:\{[^}]*\})?)\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)/g, ' $1 ')
    .replace(/\blabel_values\(\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)/g, ' ')
    .replace(/\b(query_result|metrics)\(/g, '(');
}

/** Every metric selector in an expression, with the label names it matches on. */
export function selectors(expr: string): Selector[] {
  let text = grafanaQuery(expr)
    // Grafana variables ($var, ${var}, ${var:fmt}, [[var]]) → a neutral token.
    .replace(/\$\{[^}]*\}|\$\w+|\[\[\w+\]\]/g, 'VAR')
    .replace(/#.*$/gm, '');
  // Label matchers: remember them per position, then blank them out (their values are strings).
  const matchers: string[] = [];
  text = text.replace(/\{([^}]*)\}/g, (_m, inner: string) => {
    matchers.push(inner);
    return ` __M${matchers.length - 1}__ `;
  });
  text = text
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\boffset\s+-?[0-9][0-9a-z]*/gi, ' ')
    .replace(CLAUSES, ' ');
  const out: Selector[] = [];
  const token = /([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*__M(\d+)__)?(\s*\()?/g;
  for (const m of text.matchAll(token)) {
    const [, name, , matcherIndex, call] = m;
    const bareMatcher = /^__M(\d+)__$/.exec(name ?? '')?.[1];
    if (bareMatcher !== undefined) {
      // {__name__="x"} style: the metric name is a matcher.
      const inner = matchers[Number(bareMatcher)] ?? '';
      const named = /__name__\s*=\s*"([^"]+)"/.exec(inner);
      if (named) out.push({ metric: named[1] as string, labels: labelNames(inner) });
      continue;
    }
    if (!name || call || KEYWORDS.has(name.toLowerCase()) || name === 'VAR') continue;
    const before = text.slice(0, m.index).trimEnd();
    if (/\d$/.test(before) && /^[eE]/.test(name)) continue; // 1e6
    out.push({
      metric: name,
      labels: matcherIndex === undefined ? [] : labelNames(matchers[Number(matcherIndex)] ?? ''),
    });
  }
  return out;
}

function labelNames(matchers: string): string[] {
  return [...matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)]
    .map((m) => m[1] as string)
    .filter((l) => l !== '__name__');
}

export const metricNames = (expr: string) => [...new Set(selectors(expr).map((s) => s.metric))];

/** Every PromQL text in a Grafana dashboard: panel targets (rows included) and variable queries. */
export function dashboardExpressions(dashboard: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, key?: string) => {
    if (Array.isArray(node)) for (const n of node) walk(n, key);
    else if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      if (key === 'list' && obj.type === 'query') {
        const q = obj.query;
        out.push(typeof q === 'string' ? q : String((q as { query?: string })?.query ?? ''));
        return;
      }
      for (const [k, v] of Object.entries(obj)) {
        if (k === 'expr' && typeof v === 'string') out.push(v);
        else walk(v, k);
      }
    }
  };
  walk(dashboard);
  return out.filter((e) => e.trim().length > 0);
}
