import type { Principal } from '../../access/principal.js';
import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import { findTestSendLog } from './store.js';
import { renderTestSendLog } from './test-send-log.js';

/** The text log of one test send of a webhook, and its download file name. */
export async function downloadTestSendLog(ctx: AppContext, principal: Principal, webhookId: string, testId: string): Promise<{ fileName: string; text: string }> {
  const log = await findTestSendLog(ctx.store, principal.workspaceId, webhookId, testId);
  if (!log) throw errors.notFound('Test send', testId);
  return { fileName: `test-send-${testId}.log`, text: renderTestSendLog(log) };
}
