import { formatStats, parseStatuses, startReceiver, type ReceiverHandle, type StatusWeight } from '@hookreach/receiver-kit';
import fs from 'node:fs';
import { Command } from 'commander';
import { ConfigError, loadConfig, ROLES, type Config, type Role } from '../config.js';
import { demoSummary, runDemo } from '../demo/run-demo.js';
import { formatOfFile, stderrProgress, uploadAudienceFile } from './import-file.js';
import { openConfiguredStore, SHUTDOWN_DEADLINE_MS, startServer } from '../server.js';
import { migrateToLatest } from '../store/migrate.js';

const ENVIRONMENT_HELP = `
Environment:
  PORT, HOST                 where to listen (default 127.0.0.1:8080)
  HOOKREACH_DATA_DIR         embedded SQLite and generated master key (default ./data)
  DATABASE_URL               postgres://... to use PostgreSQL instead of SQLite
  HOOKREACH_ADMIN_TOKEN      the built-in admin's API token at first start
  HOOKREACH_SECRET_KEY       32-byte master key (hex or base64) for secrets at rest
  LOG_LEVEL                  fatal|error|warn|info|debug|trace|silent (default info)
  HOOKREACH_ROLE             all|api|worker (default all; see docs/operations.md)
  HOOKREACH_DB_POOL          PostgreSQL connections per process (default 10)`;

function config() {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

const program = new Command('hookreach').description('Hookreach: webhooks for marketing').addHelpText('after', ENVIRONMENT_HELP);

/** Stops `app` gracefully on SIGTERM/SIGINT; exits anyway after the shutdown deadline. */
function stopOnSignals(close: () => Promise<void>): void {
  const stop = async () => {
    setTimeout(() => {
      console.error(`Not stopped within ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting.`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** `--role` or HOOKREACH_ROLE, checked like the rest of the configuration. */
function configWithRole(role: string | undefined): Config {
  const base = config();
  if (role === undefined) return base;
  if (!ROLES.includes(role as Role)) {
    console.error(`--role must be one of ${ROLES.join(', ')}, got "${role}"`);
    process.exit(2);
  }
  return { ...base, role: role as Role };
}

program
  .command('start')
  .description('Run migrations, then serve the API and run the delivery engine (by default both, in one process)')
  .option('--role <role>', 'all: everything; api: the HTTP API and console; worker: delivery, task and journey runners, retention (HTTP: /healthz, /readyz, /metrics) (default: $HOOKREACH_ROLE or all)')
  .addHelpText('after', ENVIRONMENT_HELP)
  .action(async (opts: { role?: string }) => {
    const app = await startServer(configWithRole(opts.role));
    stopOnSignals(() => app.close());
  });

program
  .command('demo')
  .description('Start Hookreach with the reference receiver and set up a demo: an audience, a webhook and a task that sends at once')
  .option('--receiver-port <port>', 'port of the demo receiver', '8081')
  .addHelpText('after', ENVIRONMENT_HELP)
  .action(async (opts: { receiverPort: string }, command: Command) => {
    const port = integerOption('--receiver-port', opts.receiverPort, 0, 65_535);
    if (typeof port === 'string') return command.error(`error: ${port}`, { exitCode: 2 });
    const base = config();
    const running = await runDemo(base, port, (line) => console.log(line));
    for (const line of demoSummary(running, `http://${base.host}:${base.port}`)) console.log(line);
    stopOnSignals(() => running.close());
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .addHelpText('after', ENVIRONMENT_HELP)
  .action(async () => {
    const store = openConfiguredStore(config());
    try {
      const applied = await migrateToLatest(store);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    } finally {
      await store.close();
    }
  });

const RECEIVER_HELP = `
A reference webhook receiver for trying Hookreach (or Quick Audience) end to end and for benchmarks:
every POST on any path is verified (timestamp, nonce, signature, body) and answered {"code":"OK"},
or 401/400 with the reason as "code". With --report-to, one receipt per user is reported to
<url>/restapi/marketing2/webhook/receiveWebHookCallBack, signed with the same key.

Environment:
  HOOKREACH_RECEIVER_KEY     the key, when --key is not given (keeps it out of the process list)

Example:
  hookreach receiver --port 9000 --key 123456789 --report-to http://127.0.0.1:8080 --statuses 200:0.9,500:0.1`;

/** A whole number within [min, max], or a message naming the option. */
function integerOption(name: string, text: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) return `${name} must be a whole number from ${min} to ${max}, got "${text}"`;
  return Number(text);
}

interface ReceiverCliOptions {
  port: string;
  host: string;
  key?: string;
  reportTo?: string;
  statuses: string;
  delayMs: string;
  batchSize: string;
  maxSkew: string;
  statsEvery: string;
}

program
  .command('receiver')
  .description('Run a reference webhook receiver that verifies requests, answers them and reports receipts')
  .option('--port <port>', 'port to listen on (0 picks a free one)', '9000')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--key <key>', "the webhook's key; without it the signature header must be \"\" (default: $HOOKREACH_RECEIVER_KEY)")
  .option('--report-to <url>', 'base URL of Hookreach to report receipts to, e.g. http://127.0.0.1:8080 (default: no receipts)')
  .option('--statuses <list>', 'receipt statuses and their weights, code:weight,...', '200:0.9,500:0.1')
  .option('--delay-ms <ms>', 'report receipts this long after the request', '1000')
  .option('--batch-size <n>', 'receipts per receipt request (1..10000)', '1000')
  .option('--max-skew <seconds>', 'largest accepted distance between timestamp and this clock', '300')
  .option('--stats-every <seconds>', 'print the counts this often when they changed (0: never)', '5')
  .addHelpText('after', RECEIVER_HELP)
  .action(async (opts: ReceiverCliOptions, command: Command) => {
    const fail = (message: string): never => command.error(`error: ${message}`, { exitCode: 2, code: 'hookreach.receiver.invalidOption' });
    const number = (name: string, text: string, min: number, max: number): number => {
      const value = integerOption(name, text, min, max);
      return typeof value === 'string' ? fail(value) : value;
    };
    const port = number('--port', opts.port, 0, 65_535);
    const reportDelayMs = number('--delay-ms', opts.delayMs, 0, 2_147_483_647);
    const reportBatchSize = number('--batch-size', opts.batchSize, 1, 10_000);
    const maxSkewSeconds = number('--max-skew', opts.maxSkew, 1, 86_400 * 365);
    const statsEvery = number('--stats-every', opts.statsEvery, 0, 86_400);
    let statuses: StatusWeight[];
    try {
      statuses = parseStatuses(opts.statuses);
    } catch (error) {
      return fail(`--${(error as Error).message}`);
    }
    if (opts.reportTo !== undefined && !(URL.canParse(opts.reportTo) && /^https?:$/.test(new URL(opts.reportTo).protocol))) {
      fail(`--report-to must be an http(s) URL, got "${opts.reportTo}"`);
    }
    const key = opts.key ?? process.env.HOOKREACH_RECEIVER_KEY ?? '';

    let receiver: ReceiverHandle;
    try {
      receiver = await startReceiver({ port, host: opts.host, key, reportTo: opts.reportTo, statuses, reportDelayMs, reportBatchSize, maxSkewSeconds });
    } catch (error) {
      console.error(`error: cannot listen on ${opts.host}:${port}: ${(error as Error).message}`);
      process.exit(1);
    }
    const { stats } = receiver;
    console.log(`Receiver listening on ${receiver.url} (any path; signature: ${key ? 'key' : 'none, header must be ""'})`);
    console.log(
      opts.reportTo
        ? `Reporting receipts to ${opts.reportTo} after ${reportDelayMs} ms, ${reportBatchSize} per request, statuses ${statuses.map((s) => `${s.code}:${s.weight}`).join(',')}`
        : 'Not reporting receipts (no --report-to)',
    );
    const line = () => formatStats(stats, opts.reportTo !== undefined);
    let last = '';
    const printCounts = () => {
      const now = line();
      if (now !== last) console.log(`${new Date().toISOString()} ${(last = now)}`);
    };
    const timer = statsEvery > 0 ? setInterval(printCounts, statsEvery * 1000) : undefined;
    const stop = async () => {
      if (timer) clearInterval(timer);
      await receiver.close();
      console.log(`Stopped. ${line()}`);
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });

const IMPORT_HELP = `
Streams a CSV or NDJSON file to POST /api/v1/audiences/<audienceId>/import (see docs/audiences.md),
showing the bytes sent on stderr, then prints the answer (counts and rejected lines) as JSON.

Environment:
  HOOKREACH_TOKEN            the API token, when --token is not given (keeps it out of the process list)

Example:
  HOOKREACH_TOKEN=hrk_... hookreach import aud_01k... users.csv --url http://127.0.0.1:8080`;

program
  .command('import')
  .description('Import users into an audience from a CSV or NDJSON file, with a progress bar')
  .argument('<audienceId>', 'the audience to import into')
  .argument('<file>', 'the file: .csv, or .ndjson/.jsonl')
  .option('--url <url>', 'base URL of Hookreach', 'http://127.0.0.1:8080')
  .option('--token <token>', 'API token (default: $HOOKREACH_TOKEN)')
  .option('--format <format>', 'csv or ndjson (default: from the file extension)')
  .addHelpText('after', IMPORT_HELP)
  .action(async (audienceId: string, file: string, opts: { url: string; token?: string; format?: string }, command: Command) => {
    const fail = (message: string): never => command.error(`error: ${message}`, { exitCode: 2, code: 'hookreach.import.invalidOption' });
    const token = opts.token ?? process.env.HOOKREACH_TOKEN;
    if (!token) fail('an API token is required: --token or HOOKREACH_TOKEN');
    if (!(URL.canParse(opts.url) && /^https?:$/.test(new URL(opts.url).protocol))) fail(`--url must be an http(s) URL, got "${opts.url}"`);
    if (opts.format !== undefined && opts.format !== 'csv' && opts.format !== 'ndjson') fail(`--format must be csv or ndjson, got "${opts.format}"`);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) fail(`no such file: ${file}`);
    const progress = stderrProgress();
    try {
      const answer = await uploadAudienceFile({
        url: opts.url, token: token!, audienceId, file, format: (opts.format as 'csv' | 'ndjson' | undefined) ?? formatOfFile(file),
        onProgress: (sent, total) => progress.update(sent, total),
      });
      progress.done();
      console.log(JSON.stringify(answer.body, null, 2));
      process.exitCode = answer.status === 200 ? 0 : 1;
    } catch (error) {
      progress.done();
      console.error(`error: the upload failed: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  });

await program.parseAsync(process.argv);
