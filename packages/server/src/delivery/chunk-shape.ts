import { MessageTemplate, type MessageField, type UserMessageInput, type WireValue } from '@hookreach/protocol';
import type { OutboxCommon } from './outbox.js';

const PROCESS_KEYS = ['processInstanceId', 'processInstanceStartTime', 'processNodeInstanceId', 'processNodeInstanceStartTime', 'groupName'] as const;
const NONE: Readonly<Record<string, WireValue>> = Object.freeze({});

/** Opened in every template, in this order: the values `quotedFields` starts with. */
const FIXED_OPEN: readonly MessageField[] = [
  ['user_profile', 'target_id'],
  ['user_profile', 'customer_id'],
  ['callback_params', 'batchId'],
  ['callback_params', 'actionId'],
  ['callback_params', 'customerId'],
];
/** Where FIXED_OPEN has the batchId. */
const BATCH_ID_FIELD = 2;

/**
 * How one chunk's messages are written from a single template (protocol's MessageTemplate): the ids
 * the engine draws per user and batch, the user's target and customer ids, and whatever else differs
 * from the first user (a parameter filled from attributes, a journey's process_info) are open; the
 * rest is the first user's. A user who does not fit (another ID type or parameter names, a value that
 * is not a string, a NUL in an id) is left to the caller, which builds that message the long way.
 */
export class ChunkShape {
  private constructor(
    private readonly template: MessageTemplate,
    /** The open fields after FIXED_OPEN. */
    private readonly open: readonly MessageField[],
    /** Per user of the chunk, in order: whether the template writes the user. */
    private readonly fits: Uint8Array,
  ) {}

  /** The shape of the users of `batches[start, end)`; null when the first user does not fit one. */
  static of(batches: readonly (readonly UserMessageInput[])[], start: number, end: number, common: OutboxCommon, sendTime: string): ChunkShape | null {
    const first = batches[start]?.[0];
    if (first === undefined || !hasPlainIds(first)) return null;
    const paramNames = Object.keys(first.params ?? NONE);
    const varying: MessageField[] = [
      ...paramNames.map((name): MessageField => ['params', name]),
      ['callback_params', 'instanceId'],
      ...PROCESS_KEYS.map((key): MessageField => ['process_info', key]),
    ];
    const firstValues = varying.map((field) => read(first, field));
    if (!firstValues.every(isWireText)) return null;
    const differs = new Array<boolean>(varying.length).fill(false);
    let count = 0;
    for (let i = start; i < end; i++) count += batches[i]!.length;
    const fits = new Uint8Array(count);
    let m = 0;
    for (let i = start; i < end; i++) {
      for (const user of batches[i]!) {
        if (user.user_profile.target_type === first.user_profile.target_type && hasPlainIds(user) && sameKeys(user.params ?? NONE, paramNames)) {
          let fit = true;
          for (let v = 0; v < varying.length && fit; v++) {
            const value = read(user, varying[v]!);
            // undefined and "" are the same text on the wire; other types are converted the long way.
            if (value === undefined || typeof value === 'string') {
              if ((value ?? '') !== (firstValues[v] ?? '')) differs[v] = true;
            } else fit = false;
          }
          if (fit) fits[m] = 1;
        }
        m++;
      }
    }
    const open = varying.filter((_, v) => differs[v]);
    const model: UserMessageInput = {
      user_profile: first.user_profile,
      ...(first.params !== undefined ? { params: first.params } : {}),
      callback_params: { webhook_id: common.webhookId, send_time: sendTime, nodeId: common.nodeId, instanceId: first.callback_params?.instanceId, batchId: '', actionId: '', customerId: '' },
      ...(first.process_info !== undefined ? { process_info: first.process_info } : {}),
    };
    const template = MessageTemplate.compile(model, [...FIXED_OPEN, ...open]);
    return template === null ? null : new ChunkShape(template, open, fits);
  }

  /** The template for one batch of the chunk: its batchId (JSON text) written in, not stored per user. */
  forBatch(quotedBatchId: string): MessageTemplate {
    return this.template.withValue(BATCH_ID_FIELD, quotedBatchId);
  }

  /**
   * The open fields' values of the chunk's `m`-th user as JSON text, indexed as the template's fields
   * (the batchId's left empty: see forBatch); null when the user does not fit.
   */
  quotedFields(m: number, user: UserMessageInput, quotedActionId: string): string[] | null {
    if (this.fits[m] !== 1) return null;
    const quotedCustomerId = JSON.stringify(user.user_profile.customer_id);
    const quoted = [JSON.stringify(user.user_profile.target_id), quotedCustomerId, '', quotedActionId, quotedCustomerId];
    for (const field of this.open) quoted.push(JSON.stringify(read(user, field) ?? ''));
    return quoted;
  }
}

function read(user: UserMessageInput, [section, key]: MessageField): WireValue {
  switch (section) {
    case 'params':
      return user.params?.[key];
    case 'callback_params':
      return user.callback_params?.[key as 'instanceId'];
    case 'process_info':
      return user.process_info?.[key as 'groupName'];
    default:
      return user.user_profile[key as 'target_id'];
  }
}

function isWireText(value: WireValue): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

/** String target and customer ids without NUL (which the long way refuses with its own error). */
function hasPlainIds(user: UserMessageInput): boolean {
  const { target_type: type, target_id: id, customer_id: customer } = user.user_profile;
  return typeof type === 'string' && typeof id === 'string' && typeof customer === 'string' && !type.includes('\u0000') && !id.includes('\u0000') && !customer.includes('\u0000');
}

/**
 * Whether the object's enumerable keys are `keys` (Object.keys of the first user's params: buildUserMessage's
 * order), in that order. for-in also lists inherited keys, which then differ: such a user goes the long way.
 */
function sameKeys(values: Readonly<Record<string, WireValue>>, keys: readonly string[]): boolean {
  let k = 0;
  for (const key in values) if (key !== keys[k++]) return false;
  return k === keys.length;
}
