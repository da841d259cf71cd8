import { buildUserMessage, type WebhookUserMessage } from '@hookreach/protocol';
const SAFE = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
const q = (s: string) => (SAFE.test(s) ? '"' + s + '"' : JSON.stringify(s));
function ser(messages: readonly WebhookUserMessage[]): string {
  let out = '[';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const u = m.user_profile, c = m.callback_params, p = m.process_info;
    let params = '';
    for (const k in m.params) params += (params === '' ? '' : ',') + q(k) + ':' + q(m.params[k]!);
    out += (i === 0 ? '' : ',') + '{"user_profile":{"target_type":' + q(u.target_type) + ',"target_id":' + q(u.target_id) + ',"customer_id":' + q(u.customer_id) +
      '},"params":{' + params + '},"callback_params":{"webhook_id":' + q(c.webhook_id) + ',"send_time":' + q(c.send_time) + ',"nodeId":' + q(c.nodeId) + ',"instanceId":' + q(c.instanceId) +
      ',"batchId":' + q(c.batchId) + ',"actionId":' + q(c.actionId) + ',"customerId":' + q(c.customerId) + '},"process_info":{"processInstanceId":' + q(p.processInstanceId) +
      ',"processInstanceStartTime":' + q(p.processInstanceStartTime) + ',"processNodeInstanceId":' + q(p.processNodeInstanceId) + ',"processNodeInstanceStartTime":' + q(p.processNodeInstanceStartTime) + ',"groupName":' + q(p.groupName) + '}}';
  }
  return out + ']';
}
const batches = Array.from({ length: 20 }, (_, b) => Array.from({ length: 100 }, (_, i) => buildUserMessage({
  user_profile: { target_type: 'OPEN_ID', target_id: `o${b * 100 + i}`, customer_id: `c${b * 100 + i}` },
  params: { define_item1: 'C-42', define_item2: `Hello User ${i}, a discount event is happening in Beijing` },
  callback_params: { webhook_id: 'wh_01m8tgshvage0e35ysqvrtr6kh', send_time: String(Date.now()), nodeId: '', batchId: 'bat_01m8tgshvage0e35ysqvrtr6kh', actionId: `act_01m8tgshvage0e35ysqvrt${i}`, customerId: `c${i}` },
})));
for (const b of batches) if (ser(b) !== JSON.stringify(b)) throw new Error('mismatch');
const mode = process.argv[2];
let sink = 0;
for (let r = 0; r < 400; r++) {
  if (r === 100) (globalThis as any).t0 = performance.now();
  for (const b of batches) { const s = mode === 'json' ? JSON.stringify(b) : ser(b); sink += s.length; if (mode === 'flat') sink += s.charCodeAt(s.length >> 1); }
}
console.log(mode, 'us/user', ((performance.now() - (globalThis as any).t0) * 1000) / (300 * 2000), sink > 0);
