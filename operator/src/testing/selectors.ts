// Label selectors as the API server parses them: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
// `a notin (x)`, `a`, `!a`, joined by commas.

type Requirement = (labels: Record<string, string>) => boolean;

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function parseRequirement(expr: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(expr);
  if (m) {
    const key = m[1] as string;
    const values = new Set((m[3] as string).split(',').map((v) => v.trim()));
    return m[2] === 'in'
      ? (l) => l[key] !== undefined && values.has(l[key])
      : (l) => l[key] === undefined || !values.has(l[key]);
  }
  m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(expr);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = /^!\s*(\S+)$/.exec(expr);
  if (m) {
    const key = m[1] as string;
    return (l) => l[key] === undefined;
  }
  if (/^\S+$/.test(expr)) return (l) => l[expr] !== undefined;
  throw new Error(`unable to parse requirement: ${expr}`);
}

export function parseLabelSelector(
  selector: string | null | undefined,
): (labels: Record<string, string> | undefined) => boolean {
  if (!selector) return () => true;
  const requirements = splitTopLevel(selector).map(parseRequirement);
  return (labels) => requirements.every((r) => r(labels ?? {}));
}

/** Field selectors with `=`, `==` or `!=` on any dotted field path (`metadata.name`,
 * `involvedObject.name`, `status.phase`); a missing field compares as the empty string. */
export function parseFieldSelector(selector: string | null | undefined): (obj: object) => boolean {
  if (!selector) return () => true;
  const checks = splitTopLevel(selector).map((expr) => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(\S*)$/.exec(expr);
    if (!m) throw new Error(`unable to parse field selector: ${expr}`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const get = (o: object) => {
      let v: unknown = o;
      for (const part of field.split('.'))
        v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
      return v === undefined || v === null ? '' : String(v);
    };
    return op === '!=' ? (o: object) => get(o) !== value : (o: object) => get(o) === value;
  });
  return (o) => checks.every((c) => c(o));
}
