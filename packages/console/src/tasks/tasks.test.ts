import { describe, expect, it } from 'vitest';
import { fromTask, toTaskInput } from './task-form';
import { bucketTimes } from './timeline';
import { formatCountdown } from './countdown';
import { importContentType } from '../audiences/upload';

describe('task details chart series', () => {
  it('counts sends and receipts per bucket, with a bucket size fitting the span', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, s)).toISOString();
    const { points, bucketMs } = bucketTimes([
      { sentAt: at(0), receiptAt: at(2) },
      { sentAt: at(0), receiptAt: null },
      { sentAt: at(1), receiptAt: at(3) },
      { sentAt: null, receiptAt: null },
    ]);
    expect(bucketMs).toBe(1000);
    expect(points.map((p) => [p.sent, p.receipts])).toEqual([[2, 0], [1, 0], [0, 1], [0, 1]]);
    expect(bucketTimes([{ sentAt: at(0), receiptAt: new Date(Date.UTC(2026, 11, 1, 2)).toISOString() }]).bucketMs).toBe(5 * 60_000);
    expect(bucketTimes([]).points).toEqual([]);
  });
});

describe('task form values', () => {
  const parameters = [
    { name: 'greeting', displayName: 'Greeting', type: 'text' as const, required: true },
    { name: 'amount', displayName: 'Amount', type: 'numeric' as const, required: false },
  ];
  it('turns the form into the API body and a stored task back into the form', () => {
    const body = toTaskInput({ name: 'T', audienceId: 'aud_1', webhookId: 'wh_1', idType: 'OPEN_ID', batchSize: 50, params: { greeting: 'Hi ${name}', amount: 5 }, policy: 'replace', missingVariable: { replace: 'friend' }, schedule: { type: 'now', at: null } }, parameters);
    expect(body).toEqual({ name: 'T', audienceId: 'aud_1', webhookId: 'wh_1', idType: 'OPEN_ID', batchSize: 50, params: { greeting: 'Hi ${name}', amount: 5 }, missingVariable: { replace: 'friend' }, schedule: { type: 'now' } });
    const stored = { ...body, params: { greeting: 'Hi ${name}', amount: '5' }, missingVariable: 'skip' as const, schedule: { type: 'at' as const, at: '2026-12-01T09:00:00+08:00' } };
    const values = fromTask(stored as never, parameters);
    expect(values.params).toEqual({ greeting: 'Hi ${name}', amount: 5 });
    expect(values.policy).toBe('skip');
    expect(values.schedule.type).toBe('at');
    expect(values.schedule.at?.valueOf()).toBe(Date.parse('2026-12-01T01:00:00Z'));
  });
});

describe('small formatting rules', () => {
  it('counts down in days and hh:mm:ss, and picks the import Content-Type from the file name', () => {
    expect(formatCountdown(90_061_000, 'd')).toBe('1d 01:01:01');
    expect(formatCountdown(59_000, 'd')).toBe('00:00:59');
    expect(formatCountdown(-5, 'd')).toBe('00:00:00');
    expect(importContentType('users.NDJSON')).toBe('application/x-ndjson');
    expect(importContentType('users.jsonl')).toBe('application/x-ndjson');
    expect(importContentType('users.csv')).toBe('text/csv');
  });
});
