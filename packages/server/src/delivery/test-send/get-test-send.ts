import type { Principal } from '../../access/principal.js';
import type { AppContext } from '../../context.js';
import { errors } from '../../errors.js';
import type { TestSendResult } from './schemas.js';
import { findTestSend } from './store.js';

/** One test send of a webhook of the workspace, or 404. */
export async function getTestSend(ctx: AppContext, principal: Principal, webhookId: string, testId: string): Promise<TestSendResult> {
  const result = await findTestSend(ctx.store, principal.workspaceId, webhookId, testId);
  if (!result) throw errors.notFound('Test send', testId);
  return result;
}
