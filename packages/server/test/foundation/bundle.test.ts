import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleServer } from '../../scripts/bundle-server.mjs';

const ROOT_MANIFEST = fileURLToPath(new URL('../../../../package.json', import.meta.url));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-bundle-'));
// Inside the package, so node finds the dependencies the bundle leaves external; apart from the checkout's own bundle.
const out = path.join(fileURLToPath(new URL('../../dist/', import.meta.url)), `test-${process.pid}`);

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

/** `npm start`'s command: node, its flags, the bundle, `start`. */
function startScript(): { flags: string[]; bundle: string } {
  const words = (JSON.parse(fs.readFileSync(ROOT_MANIFEST, 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/);
  const at = words.findIndex((w) => w.endsWith('.mjs'));
  return { flags: words.slice(1, at), bundle: words[at]! };
}

describe('the bundled server (npm start)', { timeout: 90_000 }, () => {
  it('starts from its bundle with npm start\'s node flags, serves, and stops on SIGTERM', async () => {
    const { flags, bundle } = startScript();
    expect(words(bundle)).toEqual(['packages', 'server', 'dist', 'server', 'hookreach.mjs']);
    const outfile = await bundleServer({ outfile: path.join(out, 'hookreach.mjs') });
    expect(fs.existsSync(path.join(out, 'checkpoint-worker.cjs'))).toBe(true);
    const dataDir = path.join(work, 'data');
    const env = { ...process.env, HOOKREACH_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '', HOOKREACH_ADMIN_TOKEN: '', NODE_OPTIONS: '' };
    const child = spawn(process.execPath, [...flags, outfile, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    // Migrated its SQLite file, whose WAL the checkpoint worker (beside the bundle) keeps short.
    expect(fs.existsSync(path.join(dataDir, 'hookreach.sqlite'))).toBe(true);
    child.removeAllListeners('exit');
    const code = await new Promise<number | null>((done) => {
      child.once('exit', (c) => done(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(output).not.toMatch(/checkpoint.*(error|failed)/i);
  });
});

const words = (relative: string) => relative.split('/');
