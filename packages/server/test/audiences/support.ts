import http from 'node:http';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from '../support/test-app.js';
import { ADMIN_TOKEN } from '../support/test-app.js';

/** Creates an audience through the API; returns its id. */
export async function createAudience(t: TestApp, name: string, description?: string): Promise<string> {
  const res = await t.request('POST', '/api/v1/audiences', { name, ...(description === undefined ? {} : { description }) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** Uploads `payload` to an audience's import as the admin (or `token`). */
export function upload(t: TestApp, audienceId: string, payload: string | Buffer, contentType = 'text/csv', token = ADMIN_TOKEN): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/audiences/${audienceId}/import`,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    payload,
  });
}

/** The answer of an import, failing the test unless it is 200. */
export async function imported(t: TestApp, audienceId: string, payload: string | Buffer, contentType = 'text/csv'): Promise<{
  imported: number; created: number; updated: number; rejectedCount: number; rejected: { line: number; reason: string }[]; userCount: number;
}> {
  const res = await upload(t, audienceId, payload, contentType);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** The stored users of an audience by customer_id, JSON parsed. */
export async function storedUsers(t: TestApp, audienceId: string): Promise<Record<string, { ids: Record<string, string>; attributes: Record<string, string> }>> {
  const rows = await t.ctx.store.db.selectFrom('audience_users').selectAll().where('audience_id', '=', audienceId).execute();
  return Object.fromEntries(rows.map((r) => [r.customer_id, { ids: JSON.parse(r.ids), attributes: JSON.parse(r.attributes) }]));
}

/** Rejected lines as "line: reason" strings, for readable comparisons. */
export function rejections(result: { rejected: { line: number; reason: string }[] }): string[] {
  return result.rejected.map((r) => `${r.line}: ${r.reason}`);
}

/** POSTs `chunks` over real HTTP with chunked transfer encoding (no Content-Length); resolves with the answer even if the server stops reading early. */
export function postChunked(t: TestApp, path: string, chunks: string[], contentType = 'text/csv'): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    void t.app.listen({ port: 0, host: '127.0.0.1' }).then((address) => {
      const request = http.request(new URL(path, address), { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType } });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      });
      request.on('error', () => undefined);
      const write = async () => {
        for (const chunk of chunks) {
          if (request.destroyed) return;
          request.write(chunk);
          await new Promise((done) => setTimeout(done, 20));
        }
        request.end();
      };
      write().catch(reject);
    }, reject);
  });
}
