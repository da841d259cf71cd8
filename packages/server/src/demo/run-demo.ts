import { startReceiver, type ReceiverHandle } from '@hookreach/receiver-kit';
import type { FastifyInstance } from 'fastify';
import { ADMIN_MEMBER_ID, DEFAULT_WORKSPACE_ID } from '../access/bootstrap.js';
import type { Principal } from '../access/principal.js';
import { createToken } from '../access/tokens/create-token.js';
import { listTokens } from '../access/tokens/list-tokens.js';
import { revokeToken } from '../access/tokens/revoke-token.js';
import type { Config } from '../config.js';
import type { AppContext } from '../context.js';
import { startServer } from '../server.js';
import { createDemo, DEMO, type Demo } from './create-demo.js';

/** The demo webhook's key: the demo receiver and the webhook must agree across runs, and it guards nothing real. */
export const DEMO_KEY = 'hookreach demo key';
const DEMO_TOKEN_NAME = 'demo';

/** What a running demo holds; `close` stops the receiver and the server. */
export interface RunningDemo {
  app: FastifyInstance;
  receiver: ReceiverHandle;
  demo: Demo;
  token: string;
  close(): Promise<void>;
}

const ADMIN: Principal = { memberId: ADMIN_MEMBER_ID, workspaceId: DEFAULT_WORKSPACE_ID, name: 'Administrator', email: 'admin@localhost', admin: true };

/** A fresh API token for the administrator named "demo"; earlier demo tokens are revoked, so runs never pile them up. */
async function demoToken(ctx: AppContext): Promise<string> {
  const { items } = await listTokens(ctx, ADMIN, ADMIN_MEMBER_ID);
  for (const token of items) if (token.name === DEMO_TOKEN_NAME) await revokeToken(ctx, ADMIN, ADMIN_MEMBER_ID, token.id);
  return (await createToken(ctx, ADMIN, ADMIN_MEMBER_ID, { name: DEMO_TOKEN_NAME })).token;
}

/**
 * Starts Hookreach with the reference receiver on `receiverPort` (allowed through the SSRF guard on
 * loopback only), then sets up the demo audience, webhook and task through the public API. The task
 * sends at once; the receiver reports a receipt per user a second later (90% "200", 10% "500").
 */
export async function runDemo(base: Config, receiverPort: number, print: (line: string) => void): Promise<RunningDemo> {
  const config: Config = { ...base, allowNetworks: [...base.allowNetworks, '127.0.0.1/32'] };
  const app = await startServer(config, print);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const serverUrl = `http://127.0.0.1:${port}`;
  let receiver: ReceiverHandle | undefined;
  try {
    receiver = await startReceiver({ port: receiverPort, key: DEMO_KEY, reportTo: serverUrl });
    const token = await demoToken(app.hookreach);
    const demo = await createDemo(app, token, { url: `http://127.0.0.1:${receiver.port}/hook`, key: DEMO_KEY });
    const running = receiver;
    return {
      app,
      receiver: running,
      demo,
      token,
      close: async () => {
        await running.close();
        await app.close();
      },
    };
  } catch (error) {
    await receiver?.close();
    await app.close();
    throw error;
  }
}

/** The lines the CLI prints once the demo runs. */
export function demoSummary(running: RunningDemo, serverUrl: string): string[] {
  const { demo, token } = running;
  return [
    '',
    `  Demo ready: ${DEMO.users} users in "${DEMO.audience}", webhook "${DEMO.webhook}" -> the reference receiver on port ${running.receiver.port},`,
    `  task "${DEMO.task}" ${demo.taskCreated ? 'sending now' : 'already created by an earlier run'}.`,
    '',
    `  Console:       ${serverUrl}/  (sign in with the token below)`,
    `  Admin token:   ${token}   (new for this run; shown once)`,
    `  Task details:  curl -H "Authorization: Bearer ${token}" ${serverUrl}/api/v1/tasks/${demo.taskId}`,
    `  Recipients:    curl -H "Authorization: Bearer ${token}" "${serverUrl}/api/v1/tasks/${demo.taskId}/recipients?format=csv"`,
    '',
    '  Receipts arrive about a second after each batch. Ctrl-C stops the demo.',
  ];
}
