import { newNonce, requestHeaders, signedUrl, unixSeconds } from '@hookreach/protocol';
import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { callHttp, OutboundError, type HttpResult } from '../outbound/http-call.js';
import { interfaceRequestBody, type InterfaceRequestInput } from './interface-request.js';
import { keyContext, type ParameterOption, type StoredInterfaceParameter } from './model.js';
import { parseInterfaceResponse } from './parse-interface-response.js';

/** Largest interface answer read (1 MiB). */
export const MAX_INTERFACE_RESPONSE_BYTES = 1024 * 1024;

/**
 * Asks a parameter's interface for its options now, signed exactly like a webhook delivery. Any
 * failure (timeout, transport, status, body) is a 502 INTERFACE_FAILED whose message says why.
 */
export async function fetchInterfaceOptions(
  ctx: AppContext,
  parameter: StoredInterfaceParameter,
  principal: Principal,
  input: InterfaceRequestInput,
): Promise<ParameterOption[]> {
  const timestamp = unixSeconds(ctx.clock.now());
  const nonce = newNonce();
  const { authMethod } = parameter.settings;
  const key = authMethod === 'key' && parameter.keySealed ? ctx.secrets.open(parameter.keySealed, keyContext(parameter.id)) : undefined;
  let result: HttpResult;
  try {
    result = await callHttp({
      url: signedUrl(parameter.settings.url, timestamp, nonce),
      headers: requestHeaders({ authMethod, ...(key !== undefined ? { key } : {}), timestamp, nonce }),
      body: JSON.stringify(interfaceRequestBody(parameter, principal, input)),
      timeoutMs: ctx.config.interfaceTimeoutMs,
      maxBodyBytes: MAX_INTERFACE_RESPONSE_BYTES,
      dispatcher: ctx.outbound,
    });
  } catch (error) {
    if (error instanceof OutboundError) throw errors.interfaceFailed(error.message);
    throw error;
  }
  const answer = parseInterfaceResponse(result.status, result.bodyText);
  if (!answer.ok) throw errors.interfaceFailed(answer.reason);
  // The interface filters by parent; an option that names another parent slipped through and is dropped.
  return input.parent === undefined ? answer.options : answer.options.filter((o) => o.parentValue === undefined || o.parentValue === input.parent);
}
