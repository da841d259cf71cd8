import { describe, expect, it } from 'vitest';
import { checkStatuses, DEFAULT_STATUSES, parseStatuses, statusPicker } from '../src/index.js';

describe('parseStatuses', () => {
  it('reads code:weight lists; a code alone weighs 1', () => {
    expect(parseStatuses('200:0.9,500:0.1')).toEqual([
      { code: '200', weight: 0.9 },
      { code: '500', weight: 0.1 },
    ]);
    expect(parseStatuses(' 200 : 3 , E_QUOTA:.5, 404:0 ')).toEqual([
      { code: '200', weight: 3 },
      { code: 'E_QUOTA', weight: 0.5 },
      { code: '404', weight: 0 },
    ]);
    expect(parseStatuses('200')).toEqual([{ code: '200', weight: 1 }]);
  });

  it('refuses malformed lists with a clear message', () => {
    const cases: [string, RegExp][] = [
      ['', /empty entry/],
      ['200:0.9,,500:0.1', /empty entry/],
      ['200:0.9,', /empty entry/],
      ['200:x', /the weight in "200:x" must be a number >= 0/],
      ['200:-1', /must be a number >= 0/],
      ['200:1e3', /must be a number >= 0/],
      ['200:', /must be a number >= 0/],
      [':1', /"" is not a status code/],
      ['2 00:1', /is not a status code/],
      ['200:1:2', /has more than one ":"/],
      ['200:0,500:0', /add up to more than 0/],
    ];
    for (const [text, message] of cases) expect(() => parseStatuses(text), text).toThrow(message);
  });
});

describe('statusPicker', () => {
  it('draws by weight and never draws a weight-0 status', () => {
    const values = [0, 0.49, 0.5, 0.74, 0.75, 0.999];
    let i = 0;
    const pick = statusPicker(
      [
        { code: 'A', weight: 2 },
        { code: 'NEVER', weight: 0 },
        { code: 'B', weight: 1 },
        { code: 'C', weight: 1 },
      ],
      () => values[i++]!,
    );
    expect(values.map(() => pick())).toEqual(['A', 'A', 'B', 'B', 'C', 'C']);
    expect(statusPicker([{ code: 'only', weight: 0.1 }])()).toBe('only');
  });

  it('defaults to 200 (0.9) and 500 (0.1)', () => {
    expect(DEFAULT_STATUSES).toEqual([
      { code: '200', weight: 0.9 },
      { code: '500', weight: 0.1 },
    ]);
    expect(() => checkStatuses(DEFAULT_STATUSES)).not.toThrow();
    const pick = statusPicker(DEFAULT_STATUSES);
    const counts: Record<string, number> = {};
    for (let n = 0; n < 10_000; n++) {
      const code = pick();
      counts[code] = (counts[code] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['200', '500']);
    expect(counts['200']! / 10_000).toBeGreaterThan(0.8);
  });
});
