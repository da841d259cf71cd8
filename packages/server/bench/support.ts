/** What both benchmarks share: the child processes, the raw sender (the machine's limit), timing helpers. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUserMessage, makeSignature, newNonce, serializeBatch, unixSeconds } from '@hookreach/protocol';
import { Pool } from 'undici';
import { bundleServer, npmStartCommand } from '../scripts/bundle-server.mjs';

/** The webhook key of every benchmark: spaces and a tab, as the signature vectors test. */
export const KEY = 'bench key\twith spaces';
export const BATCH_SIZE = 100;
export const CONCURRENCY = 64;
const CHILD = fileURLToPath(new URL('./children.ts', import.meta.url));
const SERVER_ROOT = fileURLToPath(new URL('..', import.meta.url));

let serverChild: Promise<string> | undefined;

/** The server roles run from a bundle of children.ts, as `npm start` runs the server from a bundle (no TypeScript loader). */
function bundledServerChild(): Promise<string> {
  serverChild ??= bundleServer({ entry: 'bench/children.ts', outfile: path.join(SERVER_ROOT, 'dist', 'bench', 'children.mjs') });
  return serverChild;
}

/** A memory reading of a child: its peak RSS so far and process.memoryUsage() now. */
export interface ChildMemory { maxRssKb: number; rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number }
export interface Child {
  port: number;
  stop(): Promise<number>;
  memory(): Promise<ChildMemory>;
  /** With BENCH_CPU_PROFILE_DIR: drops the profile so far, so the written one starts now. */
  restartProfile(): void;
  /** CPU time (user + system, µs) the child has used so far: robust to other load on the machine. */
  cpuMicros(): Promise<number>;
}

export async function startChild(role: string, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  const server = role.startsWith('hookreach');
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server roles (e.g. V8 heap settings to compare).
  const extra = server ? (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean) : [];
  const proc: ChildProcess = server
    // With the node flags `npm start` gives the server, so the bench measures it as users run it.
    ? fork(await bundledServerChild(), [role], { execArgv: [...npmStartCommand().flags, ...extra], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    : fork(CHILD, [role], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
    proc.once('message', (m: { port: number }) => {
      proc.removeAllListeners('exit');
      resolve({
        port: m.port,
        restartProfile: () => proc.send({ type: 'profile-restart' }),
        cpuMicros: () => new Promise((done) => {
          proc.once('message', (r: { cpu: { user: number; system: number } }) => done(r.cpu.user + r.cpu.system));
          proc.send({ type: 'cpu' });
        }),
        memory: () => new Promise((done) => {
          proc.once('message', (r: ChildMemory) => done(r));
          proc.send({ type: 'rss' });
        }),
        stop: () => new Promise((done) => {
          proc.once('message', (r: { maxRssKb: number }) => done(r.maxRssKb));
          proc.send({ type: 'exit' });
        }),
      });
    });
  });
}

export function user(i: number) {
  return buildUserMessage({
    user_profile: { target_type: 'OPEN_ID', target_id: `o${i}`, customer_id: `c${i}` },
    params: { define_item1: 'C-42', define_item2: `Hello user ${i}, a discount event is happening in Beijing` },
    callback_params: { webhook_id: 'wh_raw', send_time: Date.now(), batchId: 'bat_raw', actionId: `act_${i}`, customerId: `c${i}` },
  });
}

/** Runs `total` jobs with `width` of them in flight; returns seconds elapsed. */
export async function timed(total: number, width: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < total) await job(next++);
  }));
  return (performance.now() - start) / 1000;
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
export const round = (n: number, digits = 0) => Number(n.toFixed(digits));

/** Users per second a bare undici pool posts in prebuilt 100-user batches: the machine's limit. */
export async function rawSender(port: number, batches: number): Promise<number> {
  const body = serializeBatch(Array.from({ length: BATCH_SIZE }, (_, i) => user(i)));
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY });
  const seconds = await timed(batches, CONCURRENCY, async () => {
    const timestamp = String(unixSeconds(Date.now()));
    const nonce = newNonce();
    const res = await pool.request({
      path: `/hook?timestamp=${timestamp}&nonce=${nonce}`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-QA-Hmac-Signature': makeSignature(KEY, timestamp, nonce) },
      body,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`raw send failed: ${res.statusCode} ${text}`);
  });
  await pool.close();
  return (batches * BATCH_SIZE) / seconds;
}

