import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatOfFile, progressBar, uploadAudienceFile } from '../../src/cli/import-file.js';
import { ADMIN_TOKEN, useTestApp } from '../support/test-app.js';
import { createAudience, storedUsers } from './support.js';

const BIN = fileURLToPath(new URL('../../bin/hookreach.js', import.meta.url));
/** Each CLI run starts a Node process that loads TypeScript through tsx: seconds each on a loaded CI machine. */
const SPAWNS_TIMEOUT_MS = 90_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-import-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, HOOKREACH_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('hookreach import (the CLI against a listening server)', () => {
  const t = useTestApp('sqlite');
  let url: string;
  let csv: string;

  beforeAll(async () => {
    url = await t().app.listen({ port: 0, host: '127.0.0.1' });
    csv = path.join(dir, 'users.csv');
    const lines = ['customer_id,OPEN_ID,name', ...Array.from({ length: 30_000 }, (_, i) => `c${i},o${i},User ${i}`), ',bad,line'];
    fs.writeFileSync(csv, `${lines.join('\n')}\n`);
  });

  it('streams the file with a progress bar on stderr and prints the answer as JSON', async () => {
    const id = await createAudience(t(), 'From the CLI');
    const result = await run(['import', id, csv, '--url', url], { HOOKREACH_TOKEN: ADMIN_TOKEN });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ audienceId: id, imported: 30_000, rejectedCount: 1, rejected: [{ line: 30_002, reason: 'customer_id is empty' }], userCount: 30_000 });
    // Not a terminal: one line per tenth, ending full.
    const bars = result.stderr.trim().split('\n');
    expect(bars.length).toBeGreaterThan(2);
    expect(bars.at(-1)).toMatch(/^\[#{30}\] 100% {2}\d+\.\d\/\d+\.\d MB$/);
    expect(Object.keys(await storedUsers(t(), id))).toHaveLength(30_000);
  }, SPAWNS_TIMEOUT_MS);

  it('exits 1 with the error answer for an unknown audience or a bad token, and 2 for a missing token or file', async () => {
    const missing = await run(['import', 'aud_missing', csv, '--url', url, '--token', ADMIN_TOKEN]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe('NOT_FOUND');
    const unauthorized = await run(['import', 'aud_missing', csv, '--url', url, '--token', 'hrk_wrong_token_0123456789']);
    expect(JSON.parse(unauthorized.stdout).error.code).toBe('UNAUTHORIZED');
    const noToken = await run(['import', 'aud_x', csv, '--url', url]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('HOOKREACH_TOKEN');
    const noFile = await run(['import', 'aud_x', path.join(dir, 'nope.csv'), '--url', url, '--token', ADMIN_TOKEN]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('no such file');
  }, SPAWNS_TIMEOUT_MS);

  it('uploadAudienceFile reports progress up to the file size and gets the answer to a refused header', async () => {
    const id = await createAudience(t(), 'Uploader');
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, `name,OPEN_ID\n${'x,y\n'.repeat(200_000)}`);
    const seen: number[] = [];
    const answer = await uploadAudienceFile({ url, token: ADMIN_TOKEN, audienceId: id, file: bad, format: 'csv', onProgress: (sent) => seen.push(sent) });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'VALIDATION' } });
    const json = path.join(dir, 'users.ndjson');
    fs.writeFileSync(json, '{"customer_id":"j1"}\n');
    const progress: [number, number][] = [];
    const ok = await uploadAudienceFile({ url, token: ADMIN_TOKEN, audienceId: id, file: json, format: formatOfFile(json), onProgress: (sent, total) => progress.push([sent, total]) });
    expect(ok.status).toBe(200);
    expect(progress.at(-1)).toEqual([21, 21]);
  });

  it('draws a bar of the bytes sent', () => {
    expect(progressBar(0, 2 * 1024 * 1024, 10)).toBe('[----------]   0%  0.0/2.0 MB');
    expect(progressBar(1024 * 1024, 2 * 1024 * 1024, 10)).toBe('[#####-----]  50%  1.0/2.0 MB');
    expect(progressBar(5, 0, 4)).toBe('[####] 100%  0.0/0.0 MB');
    expect(formatOfFile('a.JSONL')).toBe('ndjson');
    expect(formatOfFile('a.txt')).toBe('csv');
  });
});
