/**
 * The processes the benchmark measures against, each started with `node --import tsx children.ts <role>`:
 * `receiver` (the reference receiver), `hookreach` (the real server, delivery off), `hookreach-all`
 * (the real server with delivery and runners), `bare` (a Fastify route that only parses receipt bodies). Each sends `{port}` over IPC once listening, and `{maxRssKb}` on 'exit'.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import Fastify from 'fastify';
import { startReceiver } from '@hookreach/receiver-kit';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { statementReport, timeStatements } from './sql-times.js';

const role = process.argv[2];
// BENCH_CPU_PROFILE_DIR: the server roles write a .cpuprofile there on exit (NODE_OPTIONS refuses --cpu-prof);
// with BENCH_HEAP=1 also a .heapprofile of what each phase allocated (sampled, garbage included).
const profileDir = role?.startsWith('hookreach') ? process.env.BENCH_CPU_PROFILE_DIR : undefined;
const profiler = profileDir ? new Session() : undefined;
const heap = profiler !== undefined && process.env.BENCH_HEAP !== undefined;
const HEAP_SAMPLING = { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
if (profiler) {
  profiler.connect();
  await new Promise<void>((done) => profiler.post('Profiler.enable', () => profiler.post('Profiler.start', () => done())));
  if (heap) await new Promise<void>((done) => profiler.post('HeapProfiler.startSampling', HEAP_SAMPLING as object, () => done()));
}
let profilePart = 0;
/** Writes the profile so far (each part to its own file: the phases between restarts). */
function writeProfile(): Promise<void> {
  if (!profiler || !profileDir) return Promise.resolve();
  const part = profilePart++;
  const cpu = new Promise<void>((done) => profiler.post('Profiler.stop', (error, result) => {
    if (!error) fs.writeFileSync(path.join(profileDir, `${role}-${process.pid}-${part}.cpuprofile`), JSON.stringify(result.profile));
    done();
  }));
  if (!heap) return cpu;
  const allocated = new Promise<void>((done) => profiler.post('HeapProfiler.stopSampling', (error, result) => {
    if (!error) fs.writeFileSync(path.join(profileDir, `${role}-${process.pid}-${part}.heapprofile`), JSON.stringify(result.profile));
    done();
  }));
  return Promise.all([cpu, allocated]).then(() => {});
}
const send = (message: object) => process.send?.(message);
// BENCH_SQL=1: the server roles print the time of each SQL statement per phase (stderr), at each profile restart and at exit.
const sqlTimes = role?.startsWith('hookreach') && process.env.BENCH_SQL !== undefined;
if (sqlTimes) timeStatements();
const reportStatements = () => {
  if (sqlTimes) process.stderr.write(`${statementReport()}\n`);
};
process.on('message', (message: { type?: string }) => {
  // The peak so far, so the benchmark can tell which phase (import, task, journey) set it.
  // Restart the profile, so each file covers one phase (campaigns.ts: the 1,000,000-user task).
  if (message.type === 'profile-restart') reportStatements();
  if (message.type === 'profile-restart' && profiler) {
    void writeProfile().then(() => {
      profiler.post('Profiler.start');
      if (heap) profiler.post('HeapProfiler.startSampling', HEAP_SAMPLING as object);
    });
  }
  if (message.type === 'cpu') send({ cpu: process.cpuUsage() });
  if (message.type === 'rss') send({ maxRssKb: process.resourceUsage().maxRSS, ...process.memoryUsage() });
  if (message.type === 'exit') {
    reportStatements();
    // The profile first: the bench may end as soon as it has the answer, and the last phase's profile with it.
    void writeProfile().then(() => {
      send({ maxRssKb: process.resourceUsage().maxRSS });
      setTimeout(() => process.exit(0), 50);
    });
  }
});

if (role === 'receiver') {
  // BENCH_REPORT_TO: report a receipt per user there (200 ms later), as an integrator would.
  const reportTo = process.env.BENCH_REPORT_TO || null;
  const receiver = await startReceiver({ port: 0, key: process.env.BENCH_KEY ?? '', reportTo, reportDelayMs: 200 });
  send({ port: receiver.port });
} else if (role === 'hookreach-all') {
  // The whole product in one process, as `npm start` runs it: API, task and journey runners, delivery.
  const app = await startServer(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'warn', HOOKREACH_POLL_INTERVAL_MS: '100' }), () => {});
  const address = app.server.address();
  send({ port: typeof address === 'object' && address ? address.port : 0 });
} else if (role === 'hookreach-worker') {
  // A delivery worker only (role worker), as `hookreach start --role worker` runs it.
  const app = await startServer(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'warn', HOOKREACH_ROLE: 'worker', HOOKREACH_POLL_INTERVAL_MS: '100' }), () => {});
  const address = app.server.address();
  send({ port: typeof address === 'object' && address ? address.port : 0 });
} else if (role === 'hookreach') {
  const app = await startServer(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'warn', HOOKREACH_DELIVERY: 'off' }), () => {});
  const address = app.server.address();
  send({ port: typeof address === 'object' && address ? address.port : 0 });
} else if (role === 'bare') {
  const app = Fastify({ bodyLimit: 16 * 1024 * 1024 });
  app.post('/restapi/marketing2/webhook/receiveWebHookCallBack', async (request) => {
    const body = request.body as unknown[];
    return { code: 200, message: `Success ${body.length}` };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  send({ port: typeof address === 'object' && address ? address.port : 0 });
} else {
  console.error(`unknown role ${role}`);
  process.exit(2);
}
