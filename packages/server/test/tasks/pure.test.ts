import { describe, expect, it } from 'vitest';
import { toCsvLine } from '../../src/tasks/csv.js';
import { planPage, sendSpecOf } from '../../src/tasks/plan-page.js';
import { fillTemplate, parseTemplate, variablesOf, type Template } from '../../src/tasks/variables.js';

const template = (text: string): Template => {
  const parsed = parseTemplate(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.template;
};

describe('Tasks: variables', () => {
  it('parses ${name}, the $${ escape, names with spaces, dots and non-ASCII letters', () => {
    expect(template('Hello ${name}, $${x} costs $5 at ${shop.city} — ${名字} ${first name}')).toEqual([
      'Hello ', { variable: 'name' }, ', ${x} costs $5 at ', { variable: 'shop.city' }, ' — ', { variable: '名字' }, ' ', { variable: 'first name' },
    ]);
    expect(variablesOf(template('${a}${b}${a}'))).toEqual(['a', 'b']);
    expect(template('')).toEqual([]);
  });

  it('refuses unclosed, empty, braced or padded names, with the position', () => {
    for (const [text, position] of [['Hi ${name', 4], ['${}', 1], ['x ${ name}', 3], ['${a{b}', 1], ['${a$b}', 1], [`\${${'n'.repeat(65)}}`, 1]] as const) {
      const parsed = parseTemplate(text);
      expect('problem' in parsed && parsed.problem, text).toContain(`at character ${position}`);
    }
  });

  it('fills per user; a missing, non-string or blank value skips or is replaced', () => {
    const t = template('Hi ${name} from ${city}');
    expect(fillTemplate(t, { name: 'Ann', city: 'Hangzhou' }, 'skip')).toBe('Hi Ann from Hangzhou');
    expect(fillTemplate(t, { name: 'Ann' }, 'skip')).toBeUndefined();
    expect(fillTemplate(t, { name: ' ', city: 'X' }, 'skip')).toBeUndefined();
    expect(fillTemplate(t, { name: 'Ann' }, { replace: 'somewhere' })).toBe('Hi Ann from somewhere');
    expect(fillTemplate(t, { ['__proto__']: 'x' } as Record<string, string>, { replace: '' })).toBe('Hi  from ');
    // A value is inserted as is: a "${...}" inside it is never expanded again.
    expect(fillTemplate(t, { name: '${city}', city: 'X' }, 'skip')).toBe('Hi ${city} from X');
  });
});

describe('Tasks: cutting pages into batches', () => {
  const users = (from: number, count: number, ids = (i: number): Record<string, string> => ({ OPEN_ID: `o${i}` })) =>
    Array.from({ length: count }, (_, k) => ({ customerId: `c${String(from + k).padStart(3, '0')}`, ids: ids(from + k), attributes: { name: `N${from + k}` } }));
  const spec = sendSpecOf({ idType: 'OPEN_ID', batchSize: 20, params: { coupon: 'C', content: 'Hi ${name}' }, missingVariable: 'skip' }, new Set(['content']));

  it('keeps the trailing partial batch of a full page for the next page, with the cursor at the last full batch', () => {
    const plan = planPage(users(0, 50), spec, 50, null);
    expect(plan.batches.map((b) => b.length)).toEqual([20, 20]);
    expect(plan.progress).toEqual({ cursor: 'c039', read: 40, enqueued: 40, batches: 2, skippedNoId: 0, skippedMissingVariable: 0, last: false });
    expect(plan.batches[0]![0]).toEqual({ user_profile: { target_type: 'OPEN_ID', target_id: 'o0', customer_id: 'c000' }, params: { coupon: 'C', content: 'Hi N0' } });
  });

  it('sends everything on the last page, and a partial batch of a page without any full one', () => {
    expect(planPage(users(0, 30), spec, 50, 'c999').batches.map((b) => b.length)).toEqual([20, 10]);
    const sparse = planPage(users(0, 50, (i): Record<string, string> => (i % 10 === 0 ? { OPEN_ID: `o${i}` } : {})), spec, 50, null);
    expect(sparse.batches.map((b) => b.length)).toEqual([5]);
    expect(sparse.progress).toMatchObject({ cursor: 'c049', read: 50, skippedNoId: 45, last: false });
    expect(planPage([], spec, 50, 'c049').progress).toEqual({ cursor: 'c049', read: 0, enqueued: 0, batches: 0, skippedNoId: 0, skippedMissingVariable: 0, last: true });
  });

  it('counts skipped users only up to the cursor, so a re-read page never counts them twice', () => {
    const list = users(0, 50, (i): Record<string, string> => (i >= 45 ? {} : { OPEN_ID: `o${i}` }));
    const plan = planPage(list, spec, 50, null);
    expect(plan.progress).toMatchObject({ cursor: 'c039', read: 40, skippedNoId: 0 });
  });

  it('resolves $${ in literal text parameters and leaves string parameters alone', () => {
    const literal = sendSpecOf({ idType: 'OPEN_ID', batchSize: 1, params: { coupon: '$${x}', content: 'Price $${p}' }, missingVariable: 'skip' }, new Set(['content']));
    expect(literal.fixed).toEqual({ coupon: '$${x}', content: 'Price ${p}' });
    expect(literal.templates.size).toBe(0);
  });
});

describe('Tasks: CSV lines', () => {
  it('quotes per RFC 4180 and defuses formulas but not phone numbers', () => {
    expect(toCsvLine(['a', 'b,c', 'say "hi"', 'two\nlines', null, ''])).toBe('a,"b,c","say ""hi""","two\nlines",,\r\n');
    expect(toCsvLine(['=1+1', '@SUM(A1)', '+86 138 0000 0000', '-12.5', '-cmd', '\tx'])).toBe("'=1+1,'@SUM(A1),+86 138 0000 0000,-12.5,'-cmd,'\tx\r\n");
  });
});
