/** Date parameter values: `yyyy-MM-dd'T'HH:mm:ssXXX` (e.g. 2026-12-01T09:00:00+08:00; zero offset as `Z`), as Java's OffsetDateTime.parse reads. */
const DATE_PARAM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:Z|([+-])(\d{2}):(\d{2}))$/;
const MAX_OFFSET_MINUTES = 18 * 60;

export interface ParsedDateParam {
  epochMs: number;
  utcOffsetMinutes: number;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Formats an instant (milliseconds truncated to the second) at a UTC offset in minutes (±18 h). */
export function formatDateParam(epochMs: number, utcOffsetMinutes: number): string {
  if (!Number.isFinite(epochMs)) throw new RangeError(`epochMs must be finite, got ${epochMs}`);
  if (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > MAX_OFFSET_MINUTES) {
    throw new RangeError(`utcOffsetMinutes must be an integer within ±${MAX_OFFSET_MINUTES}, got ${utcOffsetMinutes}`);
  }
  const local = new Date(Math.floor(epochMs / 1000) * 1000 + utcOffsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`year ${year} is outside 0001..9999`);
  const abs = Math.abs(utcOffsetMinutes);
  const offset = abs === 0 ? 'Z' : `${utcOffsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
  return (
    `${pad(year, 4)}-${pad(local.getUTCMonth() + 1, 2)}-${pad(local.getUTCDate(), 2)}` +
    `T${pad(local.getUTCHours(), 2)}:${pad(local.getUTCMinutes(), 2)}:${pad(local.getUTCSeconds(), 2)}${offset}`
  );
}

/** Reads a date parameter value; undefined unless it is a valid date-time in the format above. */
export function parseDateParam(text: string): ParsedDateParam | undefined {
  const m = typeof text === 'string' ? DATE_PARAM.exec(text) : null;
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offH = Number(m[8] ?? 0);
  const offM = Number(m[9] ?? 0);
  const offset = (m[7] === '-' ? -1 : 1) * (offH * 60 + offM);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (offM > 59 || Math.abs(offset) > MAX_OFFSET_MINUTES) return undefined;
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day); // not Date.UTC: it maps years 0..99 to 19xx
  if (t.getUTCDate() !== day) return undefined; // e.g. 02-30
  t.setUTCHours(hour, minute, second, 0);
  return { epochMs: t.getTime() - offset * 60_000, utcOffsetMinutes: offset === 0 ? 0 : offset };
}

/** True when the string is a date parameter value in the format above. */
export function isDateParam(text: string): boolean {
  return parseDateParam(text) !== undefined;
}
