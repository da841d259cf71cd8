import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { ADMIN_TOKEN, useTestApp } from '../support/test-app.js';
import { seedAudience } from '../tasks/support.js';
import { HOUR, at, createGroup, createMember, createRole, createWebhook, expectStatus, putGrants } from './support.js';

/**
 * Every route of the server x each kind of caller. The routes are read from the running app, so a
 * route added without a row here fails this test: decide who may call it, then add the row.
 */

/**
 * - public: no Bearer token needed (its own checks, if any, are not ours)
 * - member: any authenticated member
 * - self: an administrator, or the member named in the path
 * - admin: administrators only (403 ADMIN_REQUIRED)
 * - permission: administrators, or a role with the webhook permission (403 PERMISSION_REQUIRED)
 * - use: administrators, or the webhook permission AND a valid grant on that webhook (403 PERMISSION_REQUIRED / GRANT_REQUIRED)
 */
type Access = 'public' | 'member' | 'self' | 'admin' | 'permission' | 'use';

interface Ids {
  webhook: string;
  spareWebhook: string;
  testSend: string;
  grant: string;
  parameter: string;
  target: string;
  doomedMember: string;
  group: string;
  doomedGroup: string;
  spareRole: string;
  doomedRole: string;
  /** A pending task on `webhook`, due in 2 hours (editable), its audience and its send time. */
  task: string;
  taskAudience: string;
  taskSendAt: string;
  /** A pending task on `webhook` that the table cancels, then deletes. */
  doomedTask: string;
  /** A journey (event entry, wait then end) the table publishes, pauses and resumes; another it stops. */
  journey: string;
  doomedJourney: string;
}

interface Row {
  access: Access;
  /** The URL to call; `self` rows get the caller's own member id. */
  url: (ids: Ids, self: string) => string;
  body?: (ids: Ids) => unknown;
  /** Sends `body` as this media type (a string body) instead of JSON. */
  contentType?: string;
}

let unique = 0;
const next = () => ++unique;
const webhookBody = () => ({ name: `Table ${next()}`, authMethod: 'none', url: 'http://127.0.0.1:9/hook', idTypes: ['OPEN_ID'], parameters: [], passEnvironment: false, receipt: { enabled: false } });
const taskBody = (ids: Ids) => ({ name: `Table task ${next()}`, audienceId: ids.taskAudience, webhookId: ids.webhook, idType: 'OPEN_ID', schedule: { type: 'at', at: ids.taskSendAt } });
const journeyBody = () => ({
  name: `Table journey ${next()}`,
  entry: { type: 'event', reentry: 'afterExit' },
  nodes: [{ id: 'wait', type: 'wait', name: 'Wait', wait: { minutes: 5 } }, { id: 'end', type: 'end' }],
  edges: [{ from: 'wait', to: 'end' }],
});
const parameterBody = () => ({ name: `Coupon ${next()}`, kind: 'constant', description: '', associatedParameterId: null, values: [{ name: 'C1', displayName: 'One' }] });

const ROUTES: Record<string, Row> = {
  'GET /healthz': { access: 'public', url: () => '/healthz' },
  'GET /metrics': { access: 'public', url: () => '/metrics' },
  'GET /readyz': { access: 'public', url: () => '/readyz' },
  'GET /api/openapi.json': { access: 'public', url: () => '/api/openapi.json' },
  'GET /api/docs': { access: 'public', url: () => '/api/docs' },
  'GET /api/docs/': { access: 'public', url: () => '/api/docs/' },
  'GET /api/docs/static/index.html': { access: 'public', url: () => '/api/docs/static/index.html' },
  'GET /api/docs/static/swagger-initializer.js': { access: 'public', url: () => '/api/docs/static/swagger-initializer.js' },
  'GET /api/docs/*': { access: 'public', url: () => '/api/docs/static/swagger-ui.css' },
  'GET /api/docs/json': { access: 'public', url: () => '/api/docs/json' },
  'GET /api/docs/yaml': { access: 'public', url: () => '/api/docs/yaml' },
  'GET /': { access: 'public', url: () => '/' },
  'GET /*': { access: 'public', url: () => '/webhooks' },
  'POST /restapi/marketing2/webhook/receiveWebHookCallBack': { access: 'public', url: () => '/restapi/marketing2/webhook/receiveWebHookCallBack', body: () => ({}) },

  'GET /api/v1/me': { access: 'member', url: () => '/api/v1/me' },
  'GET /api/v1/permissions': { access: 'member', url: () => '/api/v1/permissions' },
  'GET /api/v1/id-types': { access: 'member', url: () => '/api/v1/id-types' },
  'GET /api/v1/webhooks': { access: 'member', url: () => '/api/v1/webhooks' },

  'PATCH /api/v1/id-types/:code': { access: 'admin', url: () => '/api/v1/id-types/OPEN_ID', body: () => ({ enabled: true }) },

  'GET /api/v1/parameters': { access: 'permission', url: () => '/api/v1/parameters' },
  'GET /api/v1/parameters/:id': { access: 'permission', url: (ids) => `/api/v1/parameters/${ids.parameter}` },
  'GET /api/v1/parameters/:id/options': { access: 'permission', url: (ids) => `/api/v1/parameters/${ids.parameter}/options` },
  'POST /api/v1/parameters': { access: 'admin', url: () => '/api/v1/parameters', body: parameterBody },
  'PUT /api/v1/parameters/:id': { access: 'admin', url: (ids) => `/api/v1/parameters/${ids.parameter}`, body: parameterBody },
  'DELETE /api/v1/parameters/:id': { access: 'admin', url: () => '/api/v1/parameters/par_missing' },

  'GET /api/v1/webhooks/:id': { access: 'use', url: (ids) => `/api/v1/webhooks/${ids.webhook}` },
  'POST /api/v1/webhooks': { access: 'admin', url: () => '/api/v1/webhooks', body: webhookBody },
  'PUT /api/v1/webhooks/:id': { access: 'admin', url: (ids) => `/api/v1/webhooks/${ids.spareWebhook}`, body: webhookBody },
  'DELETE /api/v1/webhooks/:id': { access: 'admin', url: () => '/api/v1/webhooks/wh_missing' },
  'POST /api/v1/webhooks/:id/enable': { access: 'admin', url: (ids) => `/api/v1/webhooks/${ids.spareWebhook}/enable` },
  'POST /api/v1/webhooks/:id/disable': { access: 'admin', url: (ids) => `/api/v1/webhooks/${ids.spareWebhook}/disable` },
  'POST /api/v1/webhooks/:id/copy': { access: 'admin', url: (ids) => `/api/v1/webhooks/${ids.spareWebhook}/copy`, body: () => ({}) },
  'GET /api/v1/webhooks/:id/preview': { access: 'admin', url: (ids) => `/api/v1/webhooks/${ids.webhook}/preview` },
  'POST /api/v1/webhooks/preview': { access: 'admin', url: () => '/api/v1/webhooks/preview', body: webhookBody },
  'POST /api/v1/webhooks/:id/preview': { access: 'admin', url: (ids) => `/api/v1/webhooks/${ids.webhook}/preview`, body: webhookBody },
  'POST /api/v1/webhooks/:id/test-sends': { access: 'use', url: (ids) => `/api/v1/webhooks/${ids.webhook}/test-sends`, body: () => ({ idType: 'OPEN_ID', targetId: 'u1' }) },
  'GET /api/v1/webhooks/:id/test-sends': { access: 'use', url: (ids) => `/api/v1/webhooks/${ids.webhook}/test-sends` },
  'GET /api/v1/webhooks/:id/test-sends/:testId': { access: 'use', url: (ids) => `/api/v1/webhooks/${ids.webhook}/test-sends/${ids.testSend}` },
  'GET /api/v1/webhooks/:id/test-sends/:testId/log': { access: 'admin', url: (ids) => `/api/v1/webhooks/${ids.webhook}/test-sends/${ids.testSend}/log` },
  'GET /api/v1/webhooks/:id/grants': { access: 'admin', url: (ids) => `/api/v1/webhooks/${ids.webhook}/grants` },
  'PUT /api/v1/webhooks/:id/grants': { access: 'admin', url: (ids) => `/api/v1/webhooks/${ids.spareWebhook}/grants`, body: () => ({ method: 'member', grants: [] }) },
  'DELETE /api/v1/webhooks/:id/grants/:grantId': { access: 'admin', url: (ids) => `/api/v1/webhooks/${ids.spareWebhook}/grants/${ids.grant}` },

  'GET /api/v1/deliveries': { access: 'admin', url: () => '/api/v1/deliveries' },
  'GET /api/v1/deliveries/:id': { access: 'admin', url: () => '/api/v1/deliveries/del_missing' },
  'POST /api/v1/deliveries/:id/retry': { access: 'admin', url: () => '/api/v1/deliveries/del_missing/retry' },

  'GET /api/v1/members': { access: 'admin', url: () => '/api/v1/members' },
  'POST /api/v1/members': { access: 'admin', url: () => '/api/v1/members', body: () => ({ name: 'Table member', email: `table${next()}@example.com` }) },
  'GET /api/v1/members/:id': { access: 'admin', url: (ids) => `/api/v1/members/${ids.target}` },
  'PUT /api/v1/members/:id': { access: 'admin', url: (ids) => `/api/v1/members/${ids.target}`, body: () => ({ name: 'Target', email: 'target@example.com' }) },
  'POST /api/v1/members/:id/enable': { access: 'admin', url: (ids) => `/api/v1/members/${ids.target}/enable` },
  'POST /api/v1/members/:id/disable': { access: 'admin', url: (ids) => `/api/v1/members/${ids.target}/disable` },
  'DELETE /api/v1/members/:id': { access: 'admin', url: (ids) => `/api/v1/members/${ids.doomedMember}` },
  'GET /api/v1/members/:id/tokens': { access: 'self', url: (_ids, self) => `/api/v1/members/${self}/tokens` },
  'POST /api/v1/members/:id/tokens': { access: 'self', url: (_ids, self) => `/api/v1/members/${self}/tokens`, body: () => ({ name: 'table' }) },
  'DELETE /api/v1/members/:id/tokens/:tokenId': { access: 'self', url: (_ids, self) => `/api/v1/members/${self}/tokens/tok_missing` },

  'GET /api/v1/member-groups': { access: 'admin', url: () => '/api/v1/member-groups' },
  'POST /api/v1/member-groups': { access: 'admin', url: () => '/api/v1/member-groups', body: () => ({ name: `Table group ${next()}`, memberIds: [] }) },
  'GET /api/v1/member-groups/:id': { access: 'admin', url: (ids) => `/api/v1/member-groups/${ids.group}` },
  'PUT /api/v1/member-groups/:id': { access: 'admin', url: (ids) => `/api/v1/member-groups/${ids.group}`, body: () => ({ name: 'Table group', memberIds: [] }) },
  'DELETE /api/v1/member-groups/:id': { access: 'admin', url: (ids) => `/api/v1/member-groups/${ids.doomedGroup}` },

  'GET /api/v1/audit-log': { access: 'admin', url: () => '/api/v1/audit-log' },

  'GET /api/v1/audiences': { access: 'member', url: () => '/api/v1/audiences' },
  'POST /api/v1/audiences': { access: 'member', url: () => '/api/v1/audiences', body: () => ({ name: `Table audience ${next()}` }) },
  'GET /api/v1/audiences/:id': { access: 'member', url: (ids) => `/api/v1/audiences/${ids.taskAudience}` },
  'DELETE /api/v1/audiences/:id': { access: 'member', url: () => '/api/v1/audiences/aud_missing' },
  'POST /api/v1/audiences/:id/import': { access: 'member', url: () => '/api/v1/audiences/aud_missing/import', body: () => 'customer_id,OPEN_ID\nrt1,o1\n', contentType: 'text/csv' },

  'GET /api/v1/roles': { access: 'admin', url: () => '/api/v1/roles' },
  'POST /api/v1/roles': { access: 'admin', url: () => '/api/v1/roles', body: () => ({ name: `Table role ${next()}`, permissions: [] }) },
  'GET /api/v1/roles/:id': { access: 'admin', url: (ids) => `/api/v1/roles/${ids.spareRole}` },
  'PUT /api/v1/roles/:id': { access: 'admin', url: (ids) => `/api/v1/roles/${ids.spareRole}`, body: () => ({ name: 'Spare role', permissions: ['marketing.reach.webhook'] }) },
  'DELETE /api/v1/roles/:id': { access: 'admin', url: (ids) => `/api/v1/roles/${ids.doomedRole}` },

  'POST /api/v1/tasks': { access: 'use', url: () => '/api/v1/tasks', body: taskBody },
  'GET /api/v1/tasks': { access: 'permission', url: () => '/api/v1/tasks' },
  'GET /api/v1/tasks/:id': { access: 'use', url: (ids) => `/api/v1/tasks/${ids.task}` },
  'PUT /api/v1/tasks/:id': { access: 'use', url: (ids) => `/api/v1/tasks/${ids.task}`, body: taskBody },
  'GET /api/v1/tasks/:id/recipients': { access: 'use', url: (ids) => `/api/v1/tasks/${ids.task}/recipients` },
  'POST /api/v1/tasks/test-sends': { access: 'use', url: () => '/api/v1/tasks/test-sends', body: (ids) => ({ webhookId: ids.webhook, idType: 'OPEN_ID', targetId: 'u1' }) },
  'POST /api/v1/tasks/:id/cancel': { access: 'use', url: (ids) => `/api/v1/tasks/${ids.doomedTask}/cancel` },
  'DELETE /api/v1/tasks/:id': { access: 'use', url: (ids) => `/api/v1/tasks/${ids.doomedTask}` },

  'POST /api/v1/journeys': { access: 'permission', url: () => '/api/v1/journeys', body: journeyBody },
  'GET /api/v1/journeys': { access: 'permission', url: () => '/api/v1/journeys' },
  'GET /api/v1/journeys/:id': { access: 'permission', url: (ids) => `/api/v1/journeys/${ids.journey}` },
  'PUT /api/v1/journeys/:id': { access: 'permission', url: (ids) => `/api/v1/journeys/${ids.journey}`, body: journeyBody },
  'POST /api/v1/journeys/:id/publish': { access: 'permission', url: (ids) => `/api/v1/journeys/${ids.journey}/publish` },
  'POST /api/v1/journeys/:id/entries': { access: 'permission', url: (ids) => `/api/v1/journeys/${ids.journey}/entries`, body: () => ({ customerIds: [`c${next()}`] }) },
  'GET /api/v1/journeys/:id/instances': { access: 'permission', url: (ids) => `/api/v1/journeys/${ids.journey}/instances` },
  'POST /api/v1/journeys/:id/pause': { access: 'permission', url: (ids) => `/api/v1/journeys/${ids.journey}/pause` },
  'POST /api/v1/journeys/:id/resume': { access: 'permission', url: (ids) => `/api/v1/journeys/${ids.journey}/resume` },
  'POST /api/v1/journeys/:id/stop': { access: 'permission', url: (ids) => `/api/v1/journeys/${ids.doomedJourney}/stop` },
};

/** "METHOD /path" of every route, read from Fastify's route tree (HEAD mirrors GET and is left out). */
function routesOf(tree: string): string[] {
  const routes: string[] = [];
  const parts: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([^)]*)\))?$/u.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    parts.length = depth;
    parts.push(match[2]!);
    const path = parts.join('');
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter((m) => m && m !== 'HEAD')) routes.push(`${method} ${path}`);
  }
  return routes;
}

type Caller = 'admin' | 'granted' | 'roleOnly' | 'noRole';
const DENIED: Record<Access, Partial<Record<Caller, string>>> = {
  public: {},
  member: {},
  self: {},
  admin: { granted: 'ADMIN_REQUIRED', roleOnly: 'ADMIN_REQUIRED', noRole: 'ADMIN_REQUIRED' },
  permission: { noRole: 'PERMISSION_REQUIRED' },
  use: { roleOnly: 'GRANT_REQUIRED', noRole: 'PERMISSION_REQUIRED' },
};

describeEachDialect('Access: every route x every kind of caller', (dialect) => {
  const t = useTestApp(dialect);
  const callers = {} as Record<Caller, { id: string; token: string }>;
  let ids: Ids;

  beforeAll(async () => {
    const role = await createRole(t(), 'Marketer');
    callers.admin = { id: 'mem_admin', token: ADMIN_TOKEN };
    callers.granted = await createMember(t(), 'Granted', [role]);
    callers.roleOnly = await createMember(t(), 'Role only', [role]);
    callers.noRole = await createMember(t(), 'No role');
    const webhook = await createWebhook(t(), 'Used');
    const spareWebhook = await createWebhook(t(), 'Spare');
    const grants = expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: callers.granted.id, validUntil: at(t(), 1000 * HOUR) }]), 200);
    const testSend = expectStatus(await t().request('POST', `/api/v1/webhooks/${webhook}/test-sends`, { idType: 'OPEN_ID', targetId: 'u0' }), 201).id;
    const parameter = expectStatus(await t().request('POST', '/api/v1/parameters', parameterBody()), 201).id;
    ids = {
      webhook,
      spareWebhook,
      testSend,
      grant: grants.items[0].id,
      parameter,
      target: (await createMember(t(), 'Target')).id,
      doomedMember: (await createMember(t(), 'Doomed')).id,
      group: await createGroup(t(), 'Table group', []),
      doomedGroup: await createGroup(t(), 'Doomed group', []),
      spareRole: await createRole(t(), 'Spare role'),
      doomedRole: await createRole(t(), 'Doomed role'),
      task: '',
      taskAudience: await seedAudience(t(), 1),
      taskSendAt: at(t(), 2 * HOUR),
      doomedTask: '',
      journey: expectStatus(await t().request('POST', '/api/v1/journeys', journeyBody()), 201).id,
      doomedJourney: '',
    };
    ids.doomedJourney = expectStatus(await t().request('POST', '/api/v1/journeys', journeyBody()), 201).id;
    expectStatus(await t().request('POST', `/api/v1/journeys/${ids.doomedJourney}/publish`), 200);
    ids.task = expectStatus(await t().request('POST', '/api/v1/tasks', taskBody(ids)), 201).id;
    ids.doomedTask = expectStatus(await t().request('POST', '/api/v1/tasks', taskBody(ids)), 201).id;
  });

  it('has a row for every route of the server, and no row for a route that is gone', () => {
    const routes = routesOf(t().app.printRoutes({ commonPrefix: false }));
    // The parser must see the deepest routes, or an empty list would pass.
    expect(routes).toEqual(expect.arrayContaining(['GET /healthz', 'GET /api/v1/webhooks/:id/test-sends/:testId/log', 'DELETE /api/v1/webhooks/:id/grants/:grantId']));
    expect(routes.filter((r) => !(r in ROUTES)), 'routes without a row: add them to ROUTES with their access').toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !routes.includes(r)), 'rows for routes that do not exist').toEqual([]);
  });

  const call = (key: string, row: Row, token: string | null, self: string): Promise<LightMyRequestResponse> => {
    const method = key.split(' ')[0] as 'GET';
    if (row.contentType) {
      const headers: Record<string, string> = { 'content-type': row.contentType, ...(token === null ? {} : { authorization: `Bearer ${token}` }) };
      return t().app.inject({ method, url: row.url(ids, self), headers, payload: row.body?.(ids) as string });
    }
    return t().request(method, row.url(ids, self), row.body?.(ids), token);
  };

  it('answers each kind of caller as the table says: allowed, or 403 with the missing permission or grant', async () => {
    const failures: string[] = [];
    const allowed = (label: string, res: LightMyRequestResponse) => {
      if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode >= 500) failures.push(`${label}: expected allowed, got ${res.statusCode} ${res.body.slice(0, 160)}`);
    };
    for (const [key, row] of Object.entries(ROUTES)) {
      if (row.access === 'public') {
        const res = await call(key, row, null, '');
        const code = String(res.headers['content-type'] ?? '').includes('json') ? res.json()?.error?.code : undefined;
        if (res.statusCode === 403 || res.statusCode >= 500 || code === 'UNAUTHORIZED') failures.push(`${key} without a token: got ${res.statusCode} ${code ?? ''}`);
        continue;
      }
      // Non-administrators first: a denied call changes nothing, while the admin's may.
      for (const caller of ['noRole', 'roleOnly', 'granted', 'admin'] as const) {
        const label = `${key} as ${caller}`;
        const res = await call(key, row, callers[caller].token, callers[caller].id);
        const denied = DENIED[row.access][caller];
        if (denied === undefined) allowed(label, res);
        else if (res.statusCode !== 403 || res.json().error.code !== denied) failures.push(`${label}: expected 403 ${denied}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
        if (row.access === 'self' && caller !== 'admin') {
          // Someone else's tokens are an administrator's business.
          const other = await call(key, row, callers[caller].token, 'mem_admin');
          if (other.statusCode !== 403 || other.json().error.code !== 'ADMIN_REQUIRED') failures.push(`${label} on another member: expected 403 ADMIN_REQUIRED, got ${other.statusCode}`);
        }
      }
      const anonymous = await call(key, row, null, callers.noRole.id);
      if (anonymous.statusCode !== 401) failures.push(`${key} without a token: expected 401, got ${anonymous.statusCode}`);
    }
    expect(failures).toEqual([]);
  });
});
