import { describe, expect, it } from 'vitest';
import { formatDateParam, isDateParam, parseDateParam } from '../src/index.js';

const AT = Date.UTC(2026, 11, 1, 1, 0, 0); // 2026-12-01T01:00:00Z

describe('formatDateParam', () => {
  it('formats local date-time with the offset', () => {
    expect(formatDateParam(AT, 480)).toBe('2026-12-01T09:00:00+08:00');
    expect(formatDateParam(AT, -330)).toBe('2026-11-30T19:30:00-05:30');
    expect(formatDateParam(AT, 0)).toBe('2026-12-01T01:00:00Z');
  });

  it('truncates milliseconds, also before 1970', () => {
    expect(formatDateParam(AT + 999, 480)).toBe('2026-12-01T09:00:00+08:00');
    expect(formatDateParam(-1, 0)).toBe('1969-12-31T23:59:59Z');
  });

  it('rejects bad offsets and out-of-range years', () => {
    expect(() => formatDateParam(AT, 1081)).toThrow(RangeError);
    expect(() => formatDateParam(AT, 1.5)).toThrow(RangeError);
    expect(() => formatDateParam(Number.NaN, 0)).toThrow(RangeError);
    expect(() => formatDateParam(Date.UTC(10000, 0, 1), 0)).toThrow(RangeError);
  });
});

describe('parseDateParam / isDateParam', () => {
  it('round-trips formatted values', () => {
    for (const offset of [0, 480, -330, 1080, -1080]) {
      expect(parseDateParam(formatDateParam(AT, offset))).toEqual({ epochMs: AT, utcOffsetMinutes: offset });
    }
    expect(parseDateParam('0099-03-01T00:00:00Z')?.epochMs).toBe(new Date('0099-03-01T00:00:00Z').getTime());
  });

  it('accepts what OffsetDateTime.parse reads in this pattern', () => {
    for (const ok of ['2026-12-01T09:00:00+08:00', '2024-02-29T23:59:59Z', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00-18:00']) {
      expect(isDateParam(ok), ok).toBe(true);
    }
  });

  it('rejects other shapes and impossible dates', () => {
    for (const bad of [
      '2026-12-01 09:00:00+08:00',
      '2026-12-01T09:00+08:00',
      '2026-12-01T09:00:00.000+08:00',
      '2026-12-01T09:00:00',
      '2026-12-01T09:00:00+0800',
      '2026-12-01T09:00:00z',
      '2025-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-12-01T24:00:00Z',
      '2026-12-01T23:60:00Z',
      '2026-12-01T09:00:00+18:30',
      '2026-12-01T09:00:00+08:60',
      '0000-01-01T00:00:00Z',
      '1764550800',
      '',
    ]) {
      expect(isDateParam(bad), bad).toBe(false);
    }
  });
});
