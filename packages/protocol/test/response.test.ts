import { describe, expect, it } from 'vitest';
import { classifyResponse, RECEIPT_PATH, RECEIPT_SUCCESS_CODE, type ReceiptApiResponse, type WebHookCallBackMessage } from '../src/index.js';

describe('classifyResponse', () => {
  it('succeeds only on 2xx with code exactly "OK"', () => {
    expect(classifyResponse(200, '{"code":"OK","message":""}')).toEqual({ ok: true });
    expect(classifyResponse(204, '\uFEFF { "code": "OK" } ')).toEqual({ ok: true });
  });

  it('fails on a non-2xx status even with code OK, keeping code and message', () => {
    expect(classifyResponse(500, '{"code":"OK","message":"boom"}')).toEqual({
      ok: false,
      status: 500,
      code: 'OK',
      message: 'boom',
      reason: 'HTTP status 500 is not 2xx',
    });
    expect(classifyResponse(302, '')).toEqual({ ok: false, status: 302, reason: 'HTTP status 302 is not 2xx' });
  });

  it('fails on lowercase or other codes', () => {
    expect(classifyResponse(200, '{"code":"ok"}')).toEqual({
      ok: false,
      status: 200,
      code: 'ok',
      reason: '"code" is "ok", success needs exactly "OK" (case-sensitive)',
    });
    expect(classifyResponse(200, '{"code":"E_QUOTA","message":"quota exceeded"}')).toMatchObject({
      ok: false,
      code: 'E_QUOTA',
      message: 'quota exceeded',
    });
    expect(classifyResponse(200, '{"code":200}')).toMatchObject({ ok: false, code: '200', reason: expect.stringContaining('"OK"') });
  });

  it('fails with a clear reason on bodies that are not a JSON object with code', () => {
    expect(classifyResponse(200, 'OK')).toEqual({ ok: false, status: 200, reason: 'response body is not JSON' });
    expect(classifyResponse(200, '  ')).toEqual({ ok: false, status: 200, reason: 'response body is empty' });
    expect(classifyResponse(200, '["OK"]')).toEqual({ ok: false, status: 200, reason: 'response body is not a JSON object' });
    expect(classifyResponse(200, '"OK"')).toEqual({ ok: false, status: 200, reason: 'response body is not a JSON object' });
    expect(classifyResponse(200, '{"message":"fine"}')).toEqual({ ok: false, status: 200, message: 'fine', reason: 'response JSON has no "code"' });
    expect(classifyResponse(200, '{"code":"OK",}')).toMatchObject({ ok: false, reason: 'response body is not JSON' });
  });

  it('clips echoed code and message', () => {
    const result = classifyResponse(200, JSON.stringify({ code: 'X'.repeat(5000), message: 'm'.repeat(5000) }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code!.length).toBeLessThanOrEqual(257);
      expect(result.message!.length).toBeLessThanOrEqual(257);
      expect(result.reason.length).toBeLessThan(400);
    }
  });
});

describe('receipt', () => {
  it('names the document receipt path and success code', () => {
    expect(RECEIPT_PATH).toBe('/restapi/marketing2/webhook/receiveWebHookCallBack');
    const response: ReceiptApiResponse = { code: RECEIPT_SUCCESS_CODE, message: 'Success' };
    expect(response.code).toBe(200);
  });

  it('types a receipt message with the document field order', () => {
    const message: WebHookCallBackMessage = {
      msg_id: '0123456789abcdef0123456789abcdef',
      status: '200',
      cst_id: 'c-1',
      send_time: '1625037480000',
      callback_params: { webhook_id: '13312313', actionId: 'a-1' },
    };
    expect(Object.keys(message)).toEqual(['msg_id', 'status', 'cst_id', 'send_time', 'callback_params']);
  });
});
