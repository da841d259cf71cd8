/** `1d 02:03:04` from milliseconds. */
export function formatCountdown(ms: number, dayUnit: string): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(s / 86_400);
  const hms = [Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return days > 0 ? `${days}${dayUnit} ${hms}` : hms;
}
