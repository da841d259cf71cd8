import { describe, expect, it } from 'vitest';
import { buildUserMessage, fillBatch, MessageTemplate, VALUE_SEPARATOR, type MessageField, type UserMessageInput } from '../src/index.js';

const model: UserMessageInput = {
  user_profile: { target_type: 'OPEN_ID', target_id: 'o1', customer_id: 'c1' },
  params: { coupon: 'C-42', greeting: 'Hello', 7: 'seven' },
  callback_params: { webhook_id: 'whk_1', send_time: '1700000000000', nodeId: '', instanceId: '', batchId: 'b', actionId: 'a', customerId: 'c1' },
};
const fields: MessageField[] = [['user_profile', 'target_id'], ['params', 'greeting'], ['callback_params', 'actionId'], ['user_profile', 'customer_id']];

/** The template's text for `values`, next to the long way's for the same values. */
function both(values: string[]): [string, string] {
  const out: string[] = [];
  MessageTemplate.compile(model, fields)!.appendTo(out, values.map((v) => JSON.stringify(v)));
  const input: UserMessageInput = {
    user_profile: { ...model.user_profile, target_id: values[0], customer_id: values[3] },
    params: { ...model.params, greeting: values[1] },
    callback_params: { ...model.callback_params, actionId: values[2] },
  };
  return [out.join(''), JSON.stringify(buildUserMessage(input))];
}

describe('MessageTemplate', () => {
  it('writes what JSON.stringify(buildUserMessage(...)) writes, whatever the values hold', () => {
    for (const values of [
      ['o2', 'Hi', 'act_2', 'c2'],
      ['', '', '', ''],
      ['quote " and \\ backslash', 'tab\tnewline\ncontrol\u0001', 'lone \ud800 surrogate', '中文 emoji 😀'],
      ['\u0000', '"\\u0000"', '\u00000\u0000', '\u00001\u0000'],
    ]) {
      const [filled, long] = both(values);
      expect(filled).toBe(long);
    }
  });

  it('keeps the model values of the fields it does not open', () => {
    const [filled] = both(['o9', 'Hey', 'act_9', 'c9']);
    expect(JSON.parse(filled)).toMatchObject({ params: { coupon: 'C-42', 7: 'seven' }, callback_params: { webhook_id: 'whk_1', batchId: 'b', customerId: 'c1' } });
  });

  it('refuses a field the model does not have, and a model value that reads like its marker', () => {
    expect(MessageTemplate.compile(model, [['params', 'missing']])).toBeNull();
    const lookalike = { ...model, params: { coupon: '\u00000\u0000' } };
    expect(MessageTemplate.compile(lookalike, [['user_profile', 'target_id']])).toBeNull();
  });

  it('closes a field on a value, and fills whole batches from pieces and values in text order', () => {
    const template = MessageTemplate.compile(model, fields)!;
    const closed = template.withValue(2, JSON.stringify('act_fixed'));
    expect(closed.pieces).toHaveLength(template.pieces.length - 1);
    const users = [['o1', 'Hi', 'ignored', 'c1'], ['o2', 'Yo "2"', 'ignored', 'c2']].map((v) => v.map((x) => JSON.stringify(x)));
    const values: string[] = [];
    const appended: string[] = ['['];
    users.forEach((quoted, i) => {
      closed.pushValues(values, quoted);
      if (i > 0) appended.push(',');
      closed.appendTo(appended, quoted);
    });
    appended.push(']');
    expect(fillBatch(closed.pieces, values.join(VALUE_SEPARATOR))).toBe(appended.join(''));
    expect(JSON.parse(fillBatch(closed.pieces, values.join(VALUE_SEPARATOR)))[1].callback_params.actionId).toBe('act_fixed');
    expect(() => fillBatch(closed.pieces, values.slice(1).join(VALUE_SEPARATOR))).toThrow(RangeError);
  });
});
