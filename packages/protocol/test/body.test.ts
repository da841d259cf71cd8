import { describe, expect, it } from 'vitest';
import { buildUserMessage, MAX_BATCH_SIZE, serializeBatch, wireString, type WebhookUserMessage } from '../src/index.js';

const full = {
  // keys deliberately out of the document's order
  process_info: {
    groupName: 'n1:Split:50.00,A',
    processNodeInstanceStartTime: 1625037472,
    processNodeInstanceId: 'pni',
    processInstanceStartTime: 1625037400,
    processInstanceId: 'pi',
  },
  callback_params: {
    customerId: 'c-1',
    actionId: 'a-1',
    batchId: 'b-1',
    instanceId: 'i-1',
    nodeId: 'n-1',
    send_time: 1625037472000,
    webhook_id: 13312313,
  },
  params: { define_item1: 'Coupon ID', amount: 12.5, count: 3 },
  user_profile: { customer_id: 'c-1', target_id: 1917810, target_type: 'OPEN_ID' },
} as const;

const EXPECTED_ONE =
  '[{"user_profile":{"target_type":"OPEN_ID","target_id":"1917810","customer_id":"c-1"},' +
  '"params":{"define_item1":"Coupon ID","amount":"12.5","count":"3"},' +
  '"callback_params":{"webhook_id":"13312313","send_time":"1625037472000","nodeId":"n-1","instanceId":"i-1","batchId":"b-1","actionId":"a-1","customerId":"c-1"},' +
  '"process_info":{"processInstanceId":"pi","processInstanceStartTime":"1625037400","processNodeInstanceId":"pni","processNodeInstanceStartTime":"1625037472","groupName":"n1:Split:50.00,A"}}]';

describe('buildUserMessage + serializeBatch', () => {
  it('serializes to the exact bytes of the document layout', () => {
    expect(serializeBatch([buildUserMessage(full)])).toBe(EXPECTED_ONE);
  });

  it('fills missing fields with "" and escapes text as JSON', () => {
    const msg = buildUserMessage({ user_profile: { target_type: 'EMAIL', target_id: 'a@b.c' }, params: { text: '地址 "北京"\n', none: undefined } });
    expect(serializeBatch([msg, msg])).toBe(
      '[' +
        Array(2)
          .fill(
            '{"user_profile":{"target_type":"EMAIL","target_id":"a@b.c","customer_id":""},' +
              '"params":{"text":"地址 \\"北京\\"\\n","none":""},' +
              '"callback_params":{"webhook_id":"","send_time":"","nodeId":"","instanceId":"","batchId":"","actionId":"","customerId":""},' +
              '"process_info":{"processInstanceId":"","processInstanceStartTime":"","processNodeInstanceId":"","processNodeInstanceStartTime":"","groupName":""}}',
          )
          .join(',') +
        ']',
    );
  });

  it('keeps a param named __proto__ as data', () => {
    const params = JSON.parse('{"__proto__":"x","a":"1"}') as Record<string, string>;
    const msg = buildUserMessage({ user_profile: {}, params });
    expect(JSON.stringify(msg.params)).toBe('{"__proto__":"x","a":"1"}');
    expect(Object.getPrototypeOf(msg.params)).toBe(Object.prototype);
  });

  it('does not share or mutate the input params', () => {
    const params = { a: 1 };
    const msg = buildUserMessage({ user_profile: {}, params });
    expect(msg.params).not.toBe(params);
    expect(params).toEqual({ a: 1 });
  });

  it('drops fields the document does not define', () => {
    const msg = buildUserMessage({ user_profile: { target_type: 'OAID', extra: 'no' } as never, process_info: { '@comment': 'x' } as never });
    expect(Object.keys(msg.user_profile)).toEqual(['target_type', 'target_id', 'customer_id']);
    expect(Object.keys(msg.process_info)).not.toContain('@comment');
  });

  it('accepts 1 to 100 users and throws RangeError outside', () => {
    const one = buildUserMessage(full);
    const hundred: WebhookUserMessage[] = Array(MAX_BATCH_SIZE).fill(one);
    expect(JSON.parse(serializeBatch(hundred))).toHaveLength(100);
    expect(() => serializeBatch([])).toThrow(RangeError);
    expect(() => serializeBatch([...hundred, one])).toThrow(RangeError);
    expect(() => serializeBatch('x' as never)).toThrow(RangeError);
  });
});

describe('wireString', () => {
  it('converts values to strings', () => {
    expect(wireString('as entered 1.50')).toBe('as entered 1.50');
    expect(wireString(undefined)).toBe('');
    expect(wireString(null)).toBe('');
    expect(wireString(0)).toBe('0');
    expect(wireString(-0)).toBe('0');
    expect(wireString(-12.25)).toBe('-12.25');
    expect(wireString(12345678901234567890n)).toBe('12345678901234567890');
    expect(wireString(true)).toBe('true');
  });

  it('never uses exponent notation for numbers', () => {
    expect(wireString(1e21)).toBe('1000000000000000000000');
    expect(wireString(-1.5e22)).toBe('-15000000000000000000000');
    expect(wireString(1e-7)).toBe('0.0000001');
    expect(wireString(-1.25e-7)).toBe('-0.000000125');
    expect(Number(wireString(1.2345e-9))).toBe(1.2345e-9);
  });

  it('rejects values that have no decimal string', () => {
    expect(() => wireString(Number.NaN)).toThrow(RangeError);
    expect(() => wireString(Infinity)).toThrow(RangeError);
    expect(() => wireString({} as never)).toThrow(TypeError);
  });
});
