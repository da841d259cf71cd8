/** A cell a spreadsheet would run as a formula: = + - @ first, or a tab or carriage return first. */
const FORMULA = /^[=+\-@\t\r]/;
/** Phone-number and signed-number shapes (+8613800000000, -12.5) stay as they are: they are data, not formulas. */
const NUMBER_LIKE = /^[+-][\d\s().-]*$/;

/**
 * One CSV line (RFC 4180: CRLF, fields quoted when they hold a comma, quote or line break, quotes
 * doubled). A text cell that a spreadsheet would evaluate as a formula gets a leading `'` (OWASP's
 * CSV injection advice); null is an empty cell.
 */
export function toCsvLine(cells: readonly (string | null)[]): string {
  return `${cells.map(toCsvCell).join(',')}\r\n`;
}

function toCsvCell(value: string | null): string {
  if (value === null) return '';
  const safe = FORMULA.test(value) && !NUMBER_LIKE.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
