import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { post, sampleUsers, signedRequest, startReportServer } from './support.js';

// The receiver command lives in the server's CLI: packages/server/bin/hookreach.js.
const BIN = fileURLToPath(new URL('../../server/bin/hookreach.js', import.meta.url));
const env = { ...process.env, HOOKREACH_RECEIVER_KEY: '' };

function run(...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'receiver', ...args], { env, encoding: 'utf8', timeout: 15_000 });
}

describe('hookreach receiver', () => {
  it('prints its help', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: hookreach receiver');
    for (const option of ['--port', '--key', '--report-to', '--statuses', '--delay-ms', '--batch-size']) expect(result.stdout).toContain(option);
    expect(result.stdout).toContain('receiveWebHookCallBack');
  });

  it('refuses bad options with a clear message and exit code 2', () => {
    // Each spawn starts tsx (a few seconds), so only two cases here; parseStatuses has its own unit tests.
    const cases: [string[], RegExp][] = [
      [['--statuses', '200:x'], /^error: --statuses: the weight in "200:x" must be a number >= 0, e.g. 200:0.9$/m],
      [['--port', '99999', '--statuses', '200:0.9,500:0.1'], /^error: --port must be a whole number from 0 to 65535, got "99999"$/m],
    ];
    for (const [args, message] of cases) {
      const result = run(...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
  }, 40_000);

  it('listens, answers signed requests, reports receipts and flushes them on SIGTERM', async () => {
    const key = 'cli-key';
    const reports = await startReportServer({ key });
    const child = spawn(
      process.execPath,
      [BIN, 'receiver', '--port', '0', '--report-to', reports.url, '--statuses', '207:1', '--delay-ms', '600000', '--stats-every', '0'],
      { env: { ...env, HOOKREACH_RECEIVER_KEY: key }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 15_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Receiver listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
      });
      expect(output).toContain('signature: key');
      expect(await post(signedRequest(`${url}/hook`, { key, users: sampleUsers(20) }))).toEqual({ status: 200, json: { code: 'OK', message: '' } });
      expect((await post(signedRequest(`${url}/hook`, {}))).json.code).toBe('BAD_SIGNATURE');
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(output).toMatch(/Stopped\. requests=2 accepted=1 users=20 rejected=1 \[BAD_SIGNATURE=1\] receipts: queued=20 reported=20 failed=0/);
      expect(reports.received()).toBe(20);
      expect(reports.calls.flatMap((c) => c.body.map((r) => r.status))).toEqual(Array(20).fill('207'));
    } finally {
      child.kill('SIGKILL');
      await reports.close();
    }
  }, 40_000);
});
