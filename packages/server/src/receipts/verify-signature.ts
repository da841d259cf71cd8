import { verifySignature } from '@hookreach/protocol';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { keyContext } from '../webhooks/model.js';
import type { SignedQuery } from './check-signed-query.js';
import type { ReceiptWebhook } from './store.js';

/** Why the signature does not authenticate the report for `webhook`, or undefined when it does. */
function signatureProblem(ctx: AppContext, webhook: ReceiptWebhook, signed: SignedQuery): string | undefined {
  const name = JSON.stringify(webhook.id);
  if (webhook.authMethod === 'none') {
    // A signature sent to a webhook without a key is a misconfiguration on one side; refuse it rather than ignore it.
    return signed.signature === '' ? undefined : `webhook ${name} has no authentication, so X-QA-Hmac-Signature must be ""`;
  }
  if (signed.signature === '') return `webhook ${name} requires a signature made with its key`;
  if (webhook.keySealed === null) return `webhook ${name} has no key set`;
  const key = ctx.secrets.open(webhook.keySealed, keyContext(webhook.id));
  return verifySignature(key, signed.timestamp, signed.nonce, signed.signature) ? undefined : `the signature does not match the key of webhook ${name}`;
}

/**
 * Authenticates a report against every webhook its receipts name: each must accept the signature
 * (several webhooks in one report must share a key, or all have none). Throws a 401 otherwise,
 * including when no receipt names an existing webhook.
 */
export function verifyReportSignature(ctx: AppContext, webhooks: Iterable<ReceiptWebhook>, signed: SignedQuery): void {
  let checked = 0;
  for (const webhook of webhooks) {
    const problem = signatureProblem(ctx, webhook, signed);
    if (problem !== undefined) throw errors.receiptUnauthorized(problem);
    checked++;
  }
  if (checked === 0) throw errors.receiptUnauthorized('no receipt names an existing webhook (callback_params.webhook_id), so there is no key to check the signature with');
}
