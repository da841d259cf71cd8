import { describe, expect, it } from 'vitest';
import { buildValidator, withFastPath, type ValidatorFunction } from '../../src/http/validation.js';
import { MAX_RECEIPTS, ReceiptList, ReceiptMessage } from '../../src/receipts/schemas.js';
import { isControlFreeJsonBytes } from '../../src/receipts/parse-report.js';
import { isSurelyValidReceiptList } from '../../src/receipts/surely-valid.js';

const isControlFreeJson = (text: string) => isControlFreeJsonBytes(Buffer.from(text));

const ajv = buildValidator({ ReceiptMessage })({ schema: ReceiptList, httpPart: 'body', method: 'POST', url: '/' }) as ValidatorFunction;

const receipt = () => ({
  msg_id: 'm-1', status: '200', cst_id: 'Zoë 用户', send_time: '1764550800000',
  callback_params: { webhook_id: 'wh_1', batchId: 'bat_1', actionId: 'act_1', customerId: 'c1', send_time: '0', nodeId: '', instanceId: '' },
});
type Receipt = ReturnType<typeof receipt> & Record<string, unknown>;

/** Each a one-field change of a valid receipt: [name, change]. */
const CHANGES: [string, (r: Receipt) => void][] = [];
for (const field of ['msg_id', 'status', 'cst_id', 'send_time', 'callback_params'] as const) {
  CHANGES.push([`${field} missing`, (r) => delete r[field]]);
  for (const value of [1, null, [], {}, true]) CHANGES.push([`${field} = ${JSON.stringify(value)}`, (r) => ((r as Record<string, unknown>)[field] = value)]);
  CHANGES.push([`${field} empty`, (r) => ((r as Record<string, unknown>)[field] = '')]);
  CHANGES.push([`${field} with a control character`, (r) => ((r as Record<string, unknown>)[field] = 'a\u0001b')]);
  CHANGES.push([`${field} with DEL`, (r) => ((r as Record<string, unknown>)[field] = 'a\u007f')]);
}
for (const [field, max] of [['msg_id', 128], ['status', 64], ['cst_id', 1024]] as const) {
  CHANGES.push([`${field} at its limit`, (r) => (r[field] = 'x'.repeat(max))]);
  CHANGES.push([`${field} over its limit`, (r) => (r[field] = 'x'.repeat(max + 1))]);
}
for (const field of ['webhook_id', 'batchId', 'actionId', 'customerId'] as const) {
  CHANGES.push([`callback_params.${field} missing`, (r) => delete (r.callback_params as Record<string, unknown>)[field]]);
  CHANGES.push([`callback_params.${field} = 7`, (r) => ((r.callback_params as Record<string, unknown>)[field] = 7)]);
  CHANGES.push([`callback_params.${field} empty`, (r) => ((r.callback_params as Record<string, unknown>)[field] = '')]);
  CHANGES.push([`callback_params.${field} with a newline`, (r) => ((r.callback_params as Record<string, unknown>)[field] = 'a\nb')]);
  CHANGES.push([`callback_params.${field} over 1024`, (r) => ((r.callback_params as Record<string, unknown>)[field] = 'x'.repeat(1025))]);
}
CHANGES.push(
  ['an unknown field', (r) => (r.extra = 'x')],
  ['an unknown field undefined-like', (r) => (r.__extra = null)],
  ['callback_params an array', (r) => ((r as Record<string, unknown>).callback_params = ['wh_1'])],
  ['callback_params.extra a number', (r) => ((r.callback_params as Record<string, unknown>).extra = 5)],
  ['callback_params.extra at 4096', (r) => ((r.callback_params as Record<string, unknown>).extra = 'x'.repeat(4096))],
  ['callback_params.extra over 4096', (r) => ((r.callback_params as Record<string, unknown>).extra = 'x'.repeat(4097))],
  ['callback_params.extra with a control character', (r) => ((r.callback_params as Record<string, unknown>).extra = 'a\u0000')],
  ['send_time with 16 digits', (r) => (r.send_time = '1234567890123456')],
  ['send_time with 17 digits', (r) => (r.send_time = '12345678901234567')],
  ['send_time signed', (r) => (r.send_time = '-1')],
  ['send_time with a newline after it', (r) => (r.send_time = '1\n')],
  ['msg_id of astral characters within the limit', (r) => (r.msg_id = '😀'.repeat(100))],
);

describe('receipt reports: the quick check before ajv', () => {
  it('accepts exactly what ajv accepts, one change at a time (astral text within a limit aside, which goes to ajv)', () => {
    for (const [name, change] of CHANGES) {
      const changed = receipt() as Receipt;
      change(changed);
      const report = [receipt(), changed];
      const quick = isSurelyValidReceiptList(report);
      // As the route calls it: told by the report's text whether its strings can hold a control character.
      const fromText = isSurelyValidReceiptList(report, isControlFreeJson(JSON.stringify(report)));
      const full = ajv(report);
      if (name.includes('astral')) expect([name, quick, fromText, full]).toEqual([name, false, false, true]);
      else expect([name, quick, fromText]).toEqual([name, full, full]);
    }
  });

  it('accepts the document\'s empty report and refuses what is not a list or is too long', () => {
    expect(isSurelyValidReceiptList([])).toBe(true);
    expect(isSurelyValidReceiptList({})).toBe(false);
    expect(isSurelyValidReceiptList(null)).toBe(false);
    expect(isSurelyValidReceiptList([receipt(), 'x'])).toBe(false);
    expect(isSurelyValidReceiptList(Array.from({ length: MAX_RECEIPTS }, receipt))).toBe(true);
    expect(isSurelyValidReceiptList(Array.from({ length: MAX_RECEIPTS + 1 }, receipt))).toBe(false);
  });

  it('refuses the keys secure-json-parse looks for, so that routes.ts scans those reports', () => {
    for (const key of ['__proto__', 'constructor']) {
      const r = receipt();
      const params = JSON.parse(JSON.stringify(r.callback_params).replace('{', `{"${key}":"x",`)) as Record<string, string>;
      expect(isSurelyValidReceiptList([{ ...r, callback_params: params }])).toBe(false);
    }
  });

  it('trusts a report\'s text to be free of control characters only without a backslash or DEL', () => {
    expect(isControlFreeJson(JSON.stringify([receipt()]))).toBe(true);
    expect(isControlFreeJson(JSON.stringify([{ ...receipt(), msg_id: 'a\nb' }]))).toBe(false);
    expect(isControlFreeJson(JSON.stringify([{ ...receipt(), msg_id: 'a\u007f' }]))).toBe(false);
    // An escaped quote is refused too: the check is about the text, not what the escape means.
    expect(isControlFreeJson(JSON.stringify([{ ...receipt(), msg_id: 'a"b' }]))).toBe(false);
  });

  it('leaves ajv\'s errors to a report the check refuses', () => {
    const validate = withFastPath(ajv, isSurelyValidReceiptList);
    expect(validate([receipt()])).toBe(true);
    const bad = receipt() as Receipt;
    bad.status = '';
    expect(validate([bad])).toBe(false);
    expect(validate.errors?.map((e) => [e.instancePath, e.keyword])).toEqual([['/0/status', 'minLength']]);
    expect(validate([receipt()])).toBe(true);
    expect(validate.errors).toBeNull();
  });
});
