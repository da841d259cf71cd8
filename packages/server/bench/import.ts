/**
 * Import benchmark: generates a CSV of 1,000,000 users (BENCH_IMPORT_USERS to change) into a temp
 * file, starts the real server (children.ts `hookreach`, SQLite, its own process), creates an
 * audience and streams the file through `POST /api/v1/audiences/{id}/import` with the CLI's
 * uploader. Prints {users, seconds, usersPerSecond, peakRssMb, ...}; peakRssMb is the server's.
 * Run: node --import tsx packages/server/bench/import.ts
 * On PostgreSQL: BENCH_IMPORT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (a database
 * `hookreach_import_bench` is created beside it and dropped at the end).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { uploadAudienceFile } from '../src/cli/import-file.js';

const USERS = Number(process.env.BENCH_IMPORT_USERS ?? 1_000_000);
const TOKEN = 'hrk_bench_import_token_0123456789';
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'children.ts');
const PG_URL = process.env.BENCH_IMPORT_DATABASE_URL;
const PG_DATABASE = 'hookreach_import_bench';
const CITIES = ['Beijing', 'Shanghai', 'Hangzhou', 'Shenzhen', 'Chengdu'];

async function writeCsv(file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write('customer_id,OPEN_ID,MOBILE,EMAIL,name,city\n');
  for (let i = 0; i < USERS; i++) {
    const n = String(i).padStart(7, '0');
    const line = `c${n},o${n},138${n},user${n}@example.com,User ${i},${CITIES[i % CITIES.length]}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Creates (dropping first) or drops the bench's own PostgreSQL database; returns its URL. */
async function benchDatabase(action: 'create' | 'drop'): Promise<string> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${PG_DATABASE} WITH (FORCE)`);
  if (action === 'create') await client.query(`CREATE DATABASE ${PG_DATABASE}`);
  await client.end();
  const url = new URL(PG_URL!);
  url.pathname = `/${PG_DATABASE}`;
  return url.toString();
}

function startServer(dataDir: string, databaseUrl: string): Promise<{ port: number; stop(): Promise<number> }> {
  const env = { ...process.env, HOOKREACH_DATA_DIR: dataDir, HOOKREACH_ADMIN_TOKEN: TOKEN, DATABASE_URL: databaseUrl };
  const child = fork(CHILD, ['hookreach'], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.once('message', (m: { port: number }) => {
      child.removeAllListeners('exit');
      resolve({
        port: m.port,
        stop: () => new Promise((done) => {
          child.once('message', (r: { maxRssKb: number }) => done(r.maxRssKb));
          child.send({ type: 'exit' });
        }),
      });
    });
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-import-bench-'));
try {
  const file = path.join(dir, 'users.csv');
  await writeCsv(file);
  const server = await startServer(path.join(dir, 'data'), PG_URL ? await benchDatabase('create') : '');
  const url = `http://127.0.0.1:${server.port}`;
  const created = await fetch(`${url}/api/v1/audiences`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench audience' }),
  });
  const audience = (await created.json()) as { id: string };
  const start = performance.now();
  const answer = await uploadAudienceFile({ url, token: TOKEN, audienceId: audience.id, file, format: 'csv' });
  const seconds = (performance.now() - start) / 1000;
  const result = answer.body as { imported: number; rejectedCount: number; userCount: number };
  if (answer.status !== 200 || result.userCount !== USERS) throw new Error(`import failed: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
  const peakRssKb = await server.stop();
  console.log(JSON.stringify({
    users: result.userCount,
    seconds: Math.round(seconds * 100) / 100,
    usersPerSecond: Math.round(USERS / seconds),
    peakRssMb: Math.round(peakRssKb / 1024),
    fileMb: Math.round(fs.statSync(file).size / 1024 / 1024),
    rejected: result.rejectedCount,
    machine: { cpus: os.cpus().length, node: process.version, store: PG_URL ? 'postgres' : 'sqlite' },
  }, null, 2));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
  if (PG_URL) await benchDatabase('drop');
}
