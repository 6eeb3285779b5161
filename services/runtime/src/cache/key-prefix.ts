/** Namespaces keys, channels and stream names the same way in every adapter. */
export type Namer = (name: string) => string;

export function prefixer(keyPrefix = ''): Namer {
  return keyPrefix === '' ? (name) => name : (name) => `${keyPrefix}${name}`;
}
