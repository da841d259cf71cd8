import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';

describeEachDialect('health, readiness and API docs', (dialect) => {
  const t = useTestApp(dialect);

  it('/healthz answers without a token', async () => {
    const res = await t().request('GET', '/healthz', undefined, null);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz names the store when it answers', async () => {
    const res = await t().request('GET', '/readyz', undefined, null);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', store: dialect });
  });

  it('serves an OpenAPI 3 document built from the route schemas, and the interactive docs', async () => {
    const res = await t().request('GET', '/api/openapi.json', undefined, null);
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const patch = doc.paths['/api/v1/id-types/{code}'].patch;
    expect(patch.requestBody.content['application/json'].schema).toMatchObject({ properties: { enabled: { type: 'boolean' } }, additionalProperties: false });
    expect(patch.security).toEqual([{ bearerAuth: [] }]);
    const ui = await t().request('GET', '/api/docs/', undefined, null);
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('answers unknown routes with a coded 404', async () => {
    const res = await t().request('GET', '/api/v1/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('/readyz answers 503 once the store is gone', async () => {
    await t().ctx.store.close();
    const res = await t().request('GET', '/readyz', undefined, null);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('NOT_READY');
  });
});
