// Argument checks shared by the adapters, so both reject bad input the same way.

export function assertPositiveInt(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

export function assertOptionalTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined) assertPositiveInt('ttlMs', ttlMs);
}

export function assertSafeInt(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
}

export function assertFields(fields: Record<string, string>): void {
  const names = Object.keys(fields);
  if (names.length === 0) throw new RangeError('a stream entry needs at least one field');
  for (const name of names) {
    if (typeof fields[name] !== 'string') throw new TypeError(`stream field ${name} must be a string`);
  }
}
