// Event cursors (`seq`): the stream id of an event in its user's log, `<ms>-<n>`. Ordering and
// validation for the live-delivery code, on top of the runtime's stream-id helpers.
import { compareStreamIds, parseStreamId } from '@elwosa/runtime';

/** True when `value` is a well-formed cursor. */
export function isCursor(value: string): boolean {
  try {
    parseStreamId(value);
    return true;
  } catch {
    return false;
  }
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. Both must be cursors. */
export function compareCursors(a: string, b: string): number {
  return compareStreamIds(parseStreamId(a), parseStreamId(b));
}
