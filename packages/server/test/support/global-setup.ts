import pg from 'pg';
import type { TestProject } from 'vitest/node';

/** Where the PostgreSQL half of the store tests runs; each suite creates its own database there. */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

const BANNER = `
################################################################################
#  PostgreSQL is NOT reachable: the PostgreSQL half of the store tests was     #
#  SKIPPED. Only SQLite was tested. Set HOOKREACH_TEST_DATABASE_URL, or run    #
#  with HOOKREACH_REQUIRE_POSTGRES=1 (as .ci/run does) to make this an error.  #
################################################################################
`;

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Decides once per run whether PostgreSQL is there; fails the run when it is required and absent. */
export default async function setup(project: TestProject) {
  const url = process.env.HOOKREACH_TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const problem = await reachable(url);
  if (problem && process.env.HOOKREACH_REQUIRE_POSTGRES === '1') {
    throw new Error(`HOOKREACH_REQUIRE_POSTGRES=1 but PostgreSQL at ${url} is unreachable: ${problem}`);
  }
  project.provide('postgresUrl', problem ? null : url);
  if (problem) console.warn(BANNER);
  return () => {
    if (problem) console.warn(BANNER);
  };
}
