import type { FastifyInstance } from 'fastify';

/** The demo's fixed names: running the demo again reuses what it created. */
export const DEMO = {
  audience: 'Demo audience',
  webhook: 'Demo receiver',
  task: 'Demo coupon drop',
  users: 1000,
} as const;

const CITIES = ['Hangzhou', 'Shanghai', 'Beijing', 'Shenzhen', 'Chengdu'];

/** The demo audience as CSV: every user has an OPEN_ID; every tenth has no city (the task's default text fills in). */
export function demoAudienceCsv(users: number = DEMO.users): string {
  const lines = ['customer_id,OPEN_ID,MOBILE,name,city'];
  for (let i = 1; i <= users; i++) {
    const city = i % 10 === 0 ? '' : CITIES[i % CITIES.length]!;
    lines.push(`demo-${i},o-demo-${i},1380000${String(i).padStart(4, '0')},User ${i},${city}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What the demo set up, with the ids to look at. */
export interface Demo {
  audienceId: string;
  webhookId: string;
  taskId: string;
  /** False when the demo task already existed (it is not sent twice). */
  taskCreated: boolean;
}

type Answer = { status: number; json: unknown };
type Api = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, contentType?: string) => Promise<Answer>;

function apiOf(app: FastifyInstance, token: string): Api {
  return async (method, url, body, contentType = 'application/json') => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.statusCode, json: res.body === '' ? undefined : (res.json() as unknown) };
  };
}

async function expectOk<T>(call: Promise<Answer>, what: string): Promise<T> {
  const { status, json } = await call;
  if (status >= 300) throw new Error(`demo: ${what} failed with ${status}: ${JSON.stringify(json)}`);
  return json as T;
}

/** The first item named `name` in a list endpoint, if any. */
async function findNamed(api: Api, path: string, name: string): Promise<{ id: string } | undefined> {
  const page = await expectOk<{ items: { id: string; name: string }[] }>(api('GET', `${path}?search=${encodeURIComponent(name)}&pageSize=100`), `listing ${path}`);
  return page.items.find((item) => item.name === name);
}

/**
 * Sets up the demo through the public API, as a user would: an audience of sample users, a webhook
 * pointing at the bundled reference receiver (key authentication, receipts 200/500 enabled), and a
 * task sending a coupon with `${name}`/`${city}` variables to everyone now. Idempotent by name.
 */
export async function createDemo(app: FastifyInstance, token: string, receiver: { url: string; key: string }): Promise<Demo> {
  const api = apiOf(app, token);

  let audience = await findNamed(api, '/api/v1/audiences', DEMO.audience);
  if (!audience) {
    audience = await expectOk<{ id: string }>(api('POST', '/api/v1/audiences', { name: DEMO.audience, description: 'Sample users made by `hookreach demo`' }), 'creating the audience');
    await expectOk(api('POST', `/api/v1/audiences/${audience.id}/import`, demoAudienceCsv(), 'text/csv'), 'importing the sample users');
  }

  let webhook = await findNamed(api, '/api/v1/webhooks', DEMO.webhook);
  if (!webhook) {
    webhook = await expectOk<{ id: string }>(api('POST', '/api/v1/webhooks', {
      name: DEMO.webhook,
      url: receiver.url,
      authMethod: 'key',
      key: receiver.key,
      idTypes: ['OPEN_ID', 'MOBILE'],
      parameters: [
        { name: 'define_item1', displayName: 'Coupon code', type: 'string', required: true },
        { name: 'define_item2', displayName: 'Message', type: 'text', required: false },
      ],
      passEnvironment: true,
      receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Success' }, { code: '500', value: 'Failed' }] },
    }), 'creating the webhook');
    await expectOk(api('POST', `/api/v1/webhooks/${webhook.id}/enable`), 'enabling the webhook');
  }

  const existing = await findNamed(api, '/api/v1/tasks', DEMO.task);
  if (existing) return { audienceId: audience.id, webhookId: webhook.id, taskId: existing.id, taskCreated: false };
  const task = await expectOk<{ id: string }>(api('POST', '/api/v1/tasks', {
    name: DEMO.task,
    audienceId: audience.id,
    webhookId: webhook.id,
    idType: 'OPEN_ID',
    batchSize: 100,
    params: { define_item1: 'C-42', define_item2: 'Hello ${name}, a discount event is happening in ${city}' },
    missingVariable: { replace: 'your city' },
    schedule: { type: 'now' },
  }), 'creating the task');
  return { audienceId: audience.id, webhookId: webhook.id, taskId: task.id, taskCreated: true };
}
