import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_HEADERS, environmentHeaders, makeSignature, requestHeaders, SIGNATURE_HEADER, signedUrl } from '../src/index.js';

const TS = 1631865523;
const NONCE = '2e6eceb5737b473284c930c8ef79090e';

describe('signedUrl', () => {
  it('adds timestamp and nonce to a URL without a query', () => {
    expect(signedUrl('https://crm.example.com/hook', TS, NONCE)).toBe(
      'https://crm.example.com/hook?timestamp=1631865523&nonce=2e6eceb5737b473284c930c8ef79090e',
    );
  });

  it('keeps an existing query byte for byte and appends after it', () => {
    expect(signedUrl('https://h.example/p?a=1&b=x%20y&flag&c=%2F', '1', 'n')).toBe(
      'https://h.example/p?a=1&b=x%20y&flag&c=%2F&timestamp=1&nonce=n',
    );
  });

  it('replaces configured timestamp/nonce params and drops the fragment', () => {
    const url = signedUrl('http://h.example:8080/p?timestamp=9&x=1&nonce=old&%6Eonce=enc#frag', TS, NONCE);
    expect(url).toBe(`http://h.example:8080/p?x=1&timestamp=${TS}&nonce=${NONCE}`);
    const params = new URL(url).searchParams;
    expect(params.getAll('timestamp')).toEqual([String(TS)]);
    expect(params.getAll('nonce')).toEqual([NONCE]);
  });

  it('handles a bare "?" and rejects non-http URLs', () => {
    expect(signedUrl('https://h.example/?', '1', 'n')).toBe('https://h.example/?timestamp=1&nonce=n');
    expect(() => signedUrl('ftp://h.example/', '1', 'n')).toThrow(TypeError);
    expect(() => signedUrl('not a url', '1', 'n')).toThrow(TypeError);
  });
});

describe('environmentHeaders', () => {
  it('maps every field to its header, in a fixed order', () => {
    const headers = environmentHeaders({
      webhookId: 7,
      nodeId: 'n1',
      journeyId: 'j1',
      taskId: 't1',
      runKind: 'journey',
      workspaceId: 'ws-1',
    });
    expect(Object.entries(headers)).toEqual([
      ['X-QA-Workspace-Id', 'ws-1'],
      ['X-QA-Run-Kind', 'journey'],
      ['X-QA-Task-Id', 't1'],
      ['X-QA-Journey-Id', 'j1'],
      ['X-QA-Node-Id', 'n1'],
      ['X-QA-Webhook-Id', '7'],
    ]);
    expect(Object.values(ENVIRONMENT_HEADERS)).toEqual(Object.keys(headers));
  });

  it('omits absent values', () => {
    expect(environmentHeaders({ workspaceId: 'w', runKind: 'test', taskId: undefined, journeyId: null, nodeId: '' })).toEqual({
      'X-QA-Workspace-Id': 'w',
      'X-QA-Run-Kind': 'test',
    });
    expect(environmentHeaders({})).toEqual({});
  });

  it('rejects an unknown run kind and values unsafe in a header', () => {
    expect(() => environmentHeaders({ runKind: 'batch' as never })).toThrow(/runKind/);
    expect(() => environmentHeaders({ taskId: 'a\r\nX-Evil: 1' })).toThrow(TypeError);
    expect(() => environmentHeaders({ taskId: '任务' })).toThrow(TypeError);
  });
});

describe('requestHeaders', () => {
  it('sends an empty signature header without authentication', () => {
    expect(requestHeaders({ authMethod: 'none', timestamp: TS, nonce: NONCE })).toEqual({
      'Content-Type': 'application/json',
      'X-QA-Hmac-Signature': '',
    });
  });

  it('signs with the key and appends environment headers', () => {
    const headers = requestHeaders({
      authMethod: 'key',
      key: '123456789',
      timestamp: TS,
      nonce: NONCE,
      environment: { workspaceId: 'w1', runKind: 'task', taskId: '42', webhookId: '9' },
    });
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      'X-QA-Hmac-Signature': '459fa2f7e79389c337e6b2077538fb9408241e79715b2f40dfa6c2757e2ecce8',
      'X-QA-Workspace-Id': 'w1',
      'X-QA-Run-Kind': 'task',
      'X-QA-Task-Id': '42',
      'X-QA-Webhook-Id': '9',
    });
    expect(headers[SIGNATURE_HEADER]).toBe(makeSignature('123456789', String(TS), NONCE));
  });

  it('refuses key authentication without a key and unknown methods', () => {
    expect(() => requestHeaders({ authMethod: 'key', timestamp: TS, nonce: NONCE })).toThrow(/key/);
    expect(() => requestHeaders({ authMethod: 'key', key: '', timestamp: TS, nonce: NONCE })).toThrow(TypeError);
    expect(() => requestHeaders({ authMethod: 'basic' as never, timestamp: TS, nonce: NONCE })).toThrow(/authMethod/);
  });
});
