import { beforeAll, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { seedAudience } from '../tasks/support.js';

/**
 * Sends a corpus of malformed requests to every route of the OpenAPI document and checks that
 * each gets a coded 4xx (never a 500) and that the store is exactly as before.
 */

const TABLES = ['workspaces', 'members', 'api_tokens', 'id_types', 'parameters', 'parameter_references', 'webhooks', 'webhook_parameters', 'receipt_statuses', 'webhook_usages', 'audit_log', 'roles', 'member_roles', 'member_groups', 'member_group_members', 'webhook_grants', 'tasks', 'journeys', 'journey_versions', 'journey_instances', 'journey_node_exits', 'audiences', 'audience_users', 'audience_usages'] as const;

async function snapshot(store: Store): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    const rows = await store.db.selectFrom(table).selectAll().execute();
    parts.push(`${table}:${rows.map((r) => JSON.stringify(r)).sort().join('\n')}`);
  }
  return parts.join('\n\n');
}

const BODY_LIMIT = 8192;

type Payload = { name: string; contentType: string; body: string };

/** Payloads no route may act on: they fail parsing or the content-type check. */
const UNPARSABLE: Payload[] = [
  { name: 'truncated JSON', contentType: 'application/json', body: '{"name": "x", ' },
  { name: 'not JSON at all', contentType: 'application/json', body: 'hello' },
  { name: 'trailing garbage', contentType: 'application/json', body: '{} {}' },
  { name: 'prototype poisoning', contentType: 'application/json', body: '{"__proto__": {"admin": true}}' },
  { name: 'constructor poisoning', contentType: 'application/json', body: '{"constructor": {"prototype": {"admin": true}}}' },
  { name: 'oversized', contentType: 'application/json', body: JSON.stringify({ name: 'x'.repeat(BODY_LIMIT * 2) }) },
  { name: 'form data', contentType: 'application/x-www-form-urlencoded', body: 'name=x' },
  { name: 'plain text', contentType: 'text/plain', body: 'name' },
  { name: 'xml', contentType: 'application/xml', body: '<webhook/>' },
];

/** Well-formed JSON of the wrong shape: rejected by every route that declares a body. */
const WRONG_SHAPE: Payload[] = [
  ...['[]', '"text"', '42', 'null', 'true', '{}', '{"unknownField": 1}', '[{"name": "x"}]'].map((body) => ({ name: body, contentType: 'application/json', body })),
  { name: 'wrong types', contentType: 'application/json', body: JSON.stringify({ name: 42, kind: [], url: {}, idTypes: 'OPEN_ID', enabled: 'yes', parameters: {}, receipt: [], values: 'x', authMethod: null }) },
  { name: 'deep nesting', contentType: 'application/json', body: '{"name":'.repeat(200) + '1' + '}'.repeat(200) },
  { name: 'huge array', contentType: 'application/json', body: JSON.stringify({ name: 'x', idTypes: Array(1000).fill('OPEN_ID'), values: Array(1000).fill({ name: 'a', displayName: 'b' }) }) },
  { name: 'control characters', contentType: 'application/json', body: JSON.stringify({ name: '\u0000\u0001\u001f', url: 'http://\u0000/' }) },
];

/** Routes whose body is optional: `{}` or `null` there is a valid request, not bad input. */
const OPTIONAL_BODY = new Set(['/api/v1/webhooks/{id}/copy', '/api/v1/members/{id}/tokens']);

const BAD_IDS = ['does-not-exist', 'x'.repeat(300), '%00', '..%2F..%2Fetc', '%F0%9F%92%A9', "'%20or%201=1--", '%E0%A4%A'];

const BAD_QUERIES = ['page=-1', 'page=abc', 'pageSize=100000', 'pageSize=0', 'enabled=maybe', `search=${'s'.repeat(5000)}`, 'kind=nope', 'page=1e400', 'parent=%00', 'page[]=1&page[]=2'];

describeEachDialect('bad input corpus', (dialect) => {
  const t = useTestApp(dialect, { HOOKREACH_BODY_LIMIT: String(BODY_LIMIT) });
  const realIds: Record<string, string> = {};

  beforeAll(async () => {
    const parameter = await t().request('POST', '/api/v1/parameters', {
      name: 'Coupon', kind: 'constant', description: '', associatedParameterId: null, values: [{ name: 'C1', displayName: 'One' }],
    });
    expect(parameter.statusCode).toBe(201);
    const webhook = await t().request('POST', '/api/v1/webhooks', {
      name: 'Corpus', authMethod: 'key', key: 'corpus-key', url: 'https://crm.example.com/hook', idTypes: ['OPEN_ID'],
      parameters: [{ name: 'p1', displayName: 'P1', type: 'parameter', parameterId: parameter.json().id, required: true }],
      passEnvironment: false, receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Success' }] },
    });
    expect(webhook.statusCode).toBe(201);
    realIds.parameters = parameter.json().id;
    realIds.webhooks = webhook.json().id;
    realIds['id-types'] = 'OPEN_ID';
    const role = await t().request('POST', '/api/v1/roles', { name: 'Corpus role', permissions: ['marketing.reach.webhook'] });
    expect(role.statusCode).toBe(201);
    const group = await t().request('POST', '/api/v1/member-groups', { name: 'Corpus group', memberIds: ['mem_admin'] });
    expect(group.statusCode).toBe(201);
    realIds.roles = role.json().id;
    realIds['member-groups'] = group.json().id;
    realIds.members = 'mem_admin';
    const audience = await t().request('POST', '/api/v1/audiences', { name: 'Corpus audience' });
    expect(audience.statusCode).toBe(201);
    realIds.audiences = audience.json().id;
    const users = await t().app.inject({
      method: 'POST', url: `/api/v1/audiences/${realIds.audiences}/import`, payload: 'customer_id,OPEN_ID,name\nc1,o1,Ann\n',
      headers: { authorization: 'Bearer hrk_test_admin_token_0123456789', 'content-type': 'text/csv' },
    });
    expect(users.statusCode, users.body).toBe(200);
    const task = await t().request('POST', '/api/v1/tasks', {
      name: 'Corpus task', audienceId: await seedAudience(t(), 1), webhookId: realIds.webhooks, idType: 'OPEN_ID', params: { p1: 'C1' },
      schedule: { type: 'at', at: new Date(t().clock.now() + 2 * 3_600_000).toISOString() },
    });
    expect(task.statusCode, task.body).toBe(201);
    realIds.tasks = task.json().id;
    const journey = await t().request('POST', '/api/v1/journeys', {
      name: 'Corpus journey', entry: { type: 'event', reentry: 'never' },
      nodes: [{ id: 'send', type: 'webhook', name: 'Send', webhookId: realIds.webhooks, idType: 'OPEN_ID', params: { p1: 'C1' } }, { id: 'end', type: 'end' }],
      edges: [{ from: 'send', to: 'end' }, { from: 'send', exit: 'noId', to: 'end' }],
    });
    expect(journey.statusCode, journey.body).toBe(201);
    realIds.journeys = journey.json().id;
  });

  it('answers every malformed request to every route with a coded 4xx and changes nothing', async () => {
    const doc = (await t().request('GET', '/api/openapi.json', undefined, null)).json() as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    const before = await snapshot(t().ctx.store);
    const failures: string[] = [];
    let sent = 0;

    const send = async (method: string, url: string, payload?: Payload, headers: Record<string, string> = {}) => {
      sent++;
      const res = await t().app.inject({
        method: method as 'POST',
        url,
        headers: { authorization: 'Bearer hrk_test_admin_token_0123456789', ...(payload ? { 'content-type': payload.contentType } : {}), ...headers },
        ...(payload ? { payload: payload.body } : {}),
      });
      const label = `${method} ${url.slice(0, 80)} ${payload ? `[${payload.name}]` : ''} -> ${res.statusCode}`;
      if (res.statusCode >= 500) failures.push(`${label} ${res.body.slice(0, 200)}`);
      else if (res.statusCode >= 400) {
        const code = (() => { try { return res.json().error?.code; } catch { return undefined; } })();
        if (typeof code !== 'string') failures.push(`${label} without a coded error body: ${res.body.slice(0, 200)}`);
      }
      return res;
    };

    for (const [path, operations] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      const resource = path.split('/')[3]!;
      for (const [method, operation] of Object.entries(operations)) {
        const verb = method.toUpperCase();
        const hasParam = path.includes('{');
        const realUrl = path.replace(/\{[^}]+\}/g, realIds[resource] ?? 'none');
        // Real ids only get payloads that no route may act on; unknown ids get everything.
        const targets = hasParam ? [realUrl, ...BAD_IDS.map((id) => path.replace(/\{[^}]+\}/g, id))] : [realUrl];
        for (const url of targets) {
          const isReal = url === realUrl;
          if (verb === 'GET') {
            for (const query of BAD_QUERIES) await send(verb, `${url}?${query}`);
            continue;
          }
          for (const payload of UNPARSABLE) await send(verb, url, payload);
          if (!isReal || operation.requestBody) {
            // An optional body may legitimately be `{}` or `null` (e.g. copy with defaults).
            const optional = OPTIONAL_BODY.has(path);
            const wrong = WRONG_SHAPE.filter((p) => !(isReal && optional && (p.body === '{}' || p.body === 'null')));
            if (!isReal || verb !== 'DELETE') for (const payload of wrong) await send(verb, url, payload);
          }
          if (verb === 'PUT' || verb === 'PATCH') await send(verb, url, WRONG_SHAPE[0], { 'if-match': '"garbage"' });
        }
      }
    }
    for (const token of ['', 'Bearer', 'Bearer ' + 'x'.repeat(10_000), 'Basic YWRtaW46YWRtaW4=', 'Bearer hrk_\u0000']) {
      const res = await t().app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: { authorization: token } });
      sent++;
      if (res.statusCode !== 401) failures.push(`token ${JSON.stringify(token.slice(0, 20))} -> ${res.statusCode}`);
    }

    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(500);
    expect(await snapshot(t().ctx.store)).toBe(before);
  });
});
