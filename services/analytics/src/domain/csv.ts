// CSV encoding (RFC 4180, pure): CRLF line ends, a header row, fields with a comma, a double
// quote, CR or LF quoted with inner quotes doubled. Text that a spreadsheet would run as a formula
// (starting with = + - @, a tab or CR; OWASP "CSV injection") gets a leading apostrophe and is
// quoted. Numbers are written as they are (reports never hold negative numbers).

export type CsvValue = string | number | null;

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const guarded = FORMULA_START.test(value);
  const text = guarded ? `'${value}` : value;
  return guarded || NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
