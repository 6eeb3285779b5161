// Conversation titles derived from the first question: its first sentence or line, without
// markdown decoration, collapsed whitespace, cut at a word boundary. Deterministic and free:
// no model call, so a title exists even when no model is configured.

export const DEFAULT_TITLE = 'New conversation';
export const MAX_TITLE_LENGTH = 60;

export function titleFrom(text: string, max = MAX_TITLE_LENGTH): string {
  const firstLine =
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  const plain = firstLine
    .replace(/`{1,3}|[*_~#>]+/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  const sentence = plain.match(/^.+?[.!?](?=\s|$)/)?.[0] ?? plain;
  const title = sentence.replace(/[.\s]+$/, '');
  if (!title) return DEFAULT_TITLE;
  if (title.length <= max) return title;
  const cut = title.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}
