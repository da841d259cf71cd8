import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { openConfiguredStore, startServer } from '../server.js';
import { migrateToLatest } from '../store/migrate.js';

const ENVIRONMENT_HELP = `
Environment:
  PORT, HOST                 where to listen (default 127.0.0.1:8080)
  HOOKREACH_DATA_DIR         embedded SQLite and generated master key (default ./data)
  DATABASE_URL               postgres://... to use PostgreSQL instead of SQLite
  HOOKREACH_ADMIN_TOKEN      the built-in admin's API token at first start
  HOOKREACH_SECRET_KEY       32-byte master key (hex or base64) for secrets at rest
  LOG_LEVEL                  fatal|error|warn|info|debug|trace|silent (default info)`;

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

program
  .command('start')
  .description('Run migrations, then serve the API (and, later, the delivery engine and console) in one process')
  .addHelpText('after', ENVIRONMENT_HELP)
  .action(async () => {
    const app = await startServer(config());
    const stop = async () => {
      await app.close();
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
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

await program.parseAsync(process.argv);
