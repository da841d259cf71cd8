import { makeSignature, signaturePayload } from '@hookreach/protocol';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../src/delivery/send-to-webhook.js';
import { buildTestSendLog, maskedSignatureInput, renderTestSendLog } from '../../src/delivery/test-send/test-send-log.js';
import type { WebhookTarget } from '../../src/delivery/webhook-target.js';
import { errors } from '../../src/errors.js';
import type { WebhookParameter } from '../../src/webhooks/model.js';
import { validateParamValues } from '../../src/webhooks/validate-param-values.js';

describe('validateParamValues', () => {
  const parameters: WebhookParameter[] = [
    { name: 'a', displayName: 'A', type: 'parameter', parameterId: 'par_1', required: true },
    { name: 'b', displayName: 'B', type: 'parameter', parameterId: 'par_1', required: false },
    { name: 'c', displayName: 'C', type: 'parameter', parameterId: 'par_2', required: false },
    { name: 'n', displayName: 'N', type: 'numeric', required: false },
  ];

  it('asks each managed parameter once, only for values to check, and uses the path prefix', async () => {
    const asked: string[] = [];
    const result = await validateParamValues(parameters, { a: 'X', b: 'Y', c: '', n: -0.000001 }, {
      async optionsOf(id) {
        asked.push(id);
        return ['X'];
      },
    }, 'nodes[2].params');
    expect(asked).toEqual(['par_1']);
    expect(result.values).toEqual({ a: 'X', b: 'Y', c: '', n: '-0.000001' });
    expect(result.errors).toEqual([{ path: 'nodes[2].params.b', message: '"Y" is not one of the parameter\'s options' }]);
  });

  it('rethrows an option source\'s failure once every call has settled', async () => {
    let settled = 0;
    const failing = validateParamValues(parameters, { a: 'X', c: 'Z' }, {
      async optionsOf(id) {
        await new Promise((resolve) => setTimeout(resolve, id === 'par_1' ? 1 : 20));
        settled++;
        if (id === 'par_1') throw errors.interfaceFailed('down');
        return ['Z'];
      },
    });
    await expect(failing).rejects.toMatchObject({ code: 'INTERFACE_FAILED', statusCode: 502 });
    expect(settled).toBe(2);
  });

  it('refuses non-finite numbers and keeps a decimal string as typed', async () => {
    const none = { optionsOf: async () => [] };
    expect((await validateParamValues(parameters.slice(3), { n: Number.NaN }, none)).errors).toEqual([{ path: 'params.n', message: 'must be a finite number' }]);
    expect((await validateParamValues(parameters.slice(3), { n: '007.10' }, none)).values).toEqual({ n: '007.10' });
  });
});

describe('test send log', () => {
  const KEY = 'Zeta key';
  const target: WebhookTarget = {
    id: 'wh_1', workspaceId: 'ws', url: 'https://crm.example.com/hook', authMethod: 'key', key: KEY,
    passEnvironment: false, timeoutMs: 10_000, maxConcurrency: 1, maxPerSecond: 0, enabled: true, version: 1,
  };

  it('masks the key where it sorts, and the masked string rebuilds the signature with the key', () => {
    for (const key of ['Zeta key', '0 first', 'zz last', '1796086801', 'a\tb\nc']) {
      const timestamp = '1796086801';
      const nonce = 'c6d23c4a9d1132405f5f3be49666b0cf';
      const { sortedParts, signedString } = maskedSignatureInput(key, timestamp, nonce);
      expect(sortedParts.filter((p) => p === '***')).toHaveLength(1);
      const rebuilt = signedString.replace('***', key.replace(/[ \t\n\v\f\r]+/g, ''));
      expect(rebuilt).toBe(signaturePayload(key, timestamp, nonce));
      expect(createHmac('sha256', key).update(rebuilt).digest('hex')).toBe(makeSignature(key, timestamp, nonce));
    }
  });

  it('caps a response body at 64 KiB on a character boundary and says it was cut', () => {
    const bodyText = `{"code":"OK","pad":"${'é'.repeat(40_000)}"}`;
    const outcome: SendOutcome = {
      success: true, retryable: false, httpStatus: 200, code: 'OK', startedAt: 0, latencyMs: 5,
      request: { url: 'https://crm.example.com/hook?timestamp=1&nonce=n', headers: { 'Content-Type': 'application/json', 'X-QA-Hmac-Signature': 'sig' }, timestamp: '1', nonce: 'n' },
      response: { headers: { 'content-type': 'application/json' }, bodyText },
    };
    const log = buildTestSendLog({ testId: 'ts_1', webhookName: 'W', target, body: '[]', outcome });
    expect(log.response!.truncated).toBe(true);
    expect(Buffer.byteLength(log.response!.body)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(log.response!.body)).toBeGreaterThan(64 * 1024 - 4);
    expect(log.response!.body).not.toContain('\uFFFD');
    expect(log.response!.bodyBytes).toBe(Buffer.byteLength(bodyText));
    const text = renderTestSendLog(log);
    expect(text).toContain(`[... cut: the first ${Buffer.byteLength(log.response!.body)} of ${Buffer.byteLength(bodyText)} bytes are shown]`);
    expect(text).not.toContain(KEY);
  });
});
