// Keyset cursor for the newest-first notification list: the (createdAt, id) of the last item
// of a page, as an opaque base64url string (pure).

export interface CursorPosition {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.createdAt.getTime()}.${position.id}`, 'utf8').toString('base64url');
}

/** The position, or undefined for anything this service did not produce. */
export function decodeCursor(cursor: string): CursorPosition | undefined {
  const [millis, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
  if (rest.length > 0 || !millis || !id || !/^\d{1,15}$/.test(millis) || !UUID.test(id)) return undefined;
  return { createdAt: new Date(Number(millis)), id };
}
