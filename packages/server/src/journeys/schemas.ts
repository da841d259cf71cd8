import { Type, type Static } from 'typebox';
import { Nullable, PageQuery, StringEnum } from '../http/schemas.js';
import { JOURNEY_STATUSES, NODE_TYPES, REENTRY_POLICIES } from './model.js';

const ID = { minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' };
const time = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });

/** Limits of a journey's fields; docs/journeys.md quotes them. */
export const JOURNEY_LIMITS = { name: 64, nodes: 200, edges: 400, groups: 20, results: 50, entries: 1000, waitMinutes: 366 * 24 * 60 } as const;

/** `{id}` of every journey route. */
export const JourneyIdParams = Type.Object({ id: Type.String(ID) });

const NodeId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'Unique within the journey' });

const WaitInput = Type.Object(
  {
    minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: JOURNEY_LIMITS.waitMinutes })),
    hours: Type.Optional(Type.Integer({ minimum: 1, maximum: JOURNEY_LIMITS.waitMinutes / 60 })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: JOURNEY_LIMITS.waitMinutes / 1440 })),
    until: Type.Optional(time('A fixed time, ISO 8601 with an offset')),
  },
  { additionalProperties: false, description: 'Exactly one of minutes, hours, days or until' },
);

const MissingVariableInput = Type.Union([
  Type.Literal('skip'),
  Type.Object({ replace: Type.String({ maxLength: 1000 }) }, { additionalProperties: false }),
]);

/**
 * One node. Every type's fields are listed once and checked per type by the journey's validation,
 * so a wrong field is named on its node (`nodes[2].groups`) instead of drowning in union errors.
 */
const NodeInput = Type.Object(
  {
    id: NodeId,
    type: StringEnum(NODE_TYPES),
    name: Type.Optional(Type.String({ maxLength: JOURNEY_LIMITS.name })),
    webhookId: Type.Optional(Type.String(ID)),
    idType: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { maxProperties: 100 })),
    missingVariable: Type.Optional(MissingVariableInput),
    wait: Type.Optional(WaitInput),
    results: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: JOURNEY_LIMITS.results })),
    groups: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Type.String({ minLength: 1, maxLength: JOURNEY_LIMITS.name }), percent: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) },
          { additionalProperties: false },
        ),
        { maxItems: JOURNEY_LIMITS.groups },
      ),
    ),
  },
  { additionalProperties: false },
);

const EdgeInput = Type.Object(
  { from: NodeId, exit: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), to: NodeId },
  { additionalProperties: false },
);

const EntryInput = Type.Object(
  {
    type: StringEnum(['audience', 'event'] as const),
    audienceId: Type.Optional(Type.String(ID)),
    at: Type.Optional(time('When the audience enters (audience entry)')),
    reentry: Type.Optional(StringEnum(REENTRY_POLICIES, { description: 'Event entry: may a user enter again after leaving? Default never' })),
  },
  { additionalProperties: false },
);

/** Body of create and edit (edit is a full replacement). */
export const JourneyInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: JOURNEY_LIMITS.name }),
    entry: EntryInput,
    nodes: Type.Array(NodeInput, { minItems: 1, maxItems: JOURNEY_LIMITS.nodes }),
    edges: Type.Array(EdgeInput, { maxItems: JOURNEY_LIMITS.edges }),
  },
  { $id: 'JourneyInput', title: 'JourneyInput', additionalProperties: false },
);
export type JourneyInput = Static<typeof JourneyInput>;
export type NodeInput = Static<typeof NodeInput>;

/** A journey as every read answers it (the definition of `version`, plus where it stands). */
export const Journey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    status: StringEnum(JOURNEY_STATUSES),
    entry: Type.Unknown({ description: 'As saved' }),
    nodes: Type.Array(Type.Unknown()),
    edges: Type.Array(Type.Unknown()),
    version: Type.Integer({ description: 'The version whose definition this is (the latest unless ?version= asked for another)' }),
    publishedVersion: Nullable(Type.Integer({ description: 'The version users enter; immutable' })),
    hasUnpublishedChanges: Type.Boolean(),
    revision: Type.Integer({ description: 'Changes with every change of the journey; also the ETag' }),
    createdBy: Type.String(),
    createdAt: time(),
    updatedAt: time(),
    publishedAt: Nullable(time()),
  },
  { $id: 'Journey', title: 'Journey' },
);

const NodeStats = Type.Object({
  nodeId: Type.String(),
  name: Type.String(),
  type: StringEnum(NODE_TYPES),
  entered: Type.Integer({ description: 'Node visits so far' }),
  waiting: Type.Integer({ description: 'Users at the node now (waiting, being judged or about to move on)' }),
  exits: Type.Record(Type.String(), Type.Integer(), { description: 'Users passed on per exit or branch' }),
  delivery: Type.Optional(
    Type.Object({
      enqueued: Type.Integer({ description: 'Users handed to the delivery engine' }),
      sent: Type.Integer({ description: 'Users whose batch was sent at least once' }),
      succeeded: Type.Integer(),
      failed: Type.Integer(),
      pending: Type.Integer(),
    }),
  ),
  receipts: Type.Optional(Type.Array(Type.Object({ status: Type.String(), value: Nullable(Type.String()), users: Type.Integer() }))),
});

/** `GET /journeys/{id}`: the journey and per-node counts of every version that ran. */
export const JourneyDetail = Type.Object(
  {
    journey: Type.Ref('Journey'),
    stats: Type.Object({
      instances: Type.Object({ total: Type.Integer(), active: Type.Integer(), exited: Type.Integer(), stopped: Type.Integer() }),
      nodes: Type.Array(NodeStats),
    }),
  },
  { $id: 'JourneyDetail', title: 'JourneyDetail' },
);

export const JourneyPage = Type.Object(
  { items: Type.Array(Type.Ref('Journey')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'JourneyPage', title: 'JourneyPage' },
);

export const JourneyListQuery = Type.Object({
  status: Type.Optional(StringEnum(JOURNEY_STATUSES)),
  ...PageQuery,
});
export type JourneyListQuery = Static<typeof JourneyListQuery>;

export const JourneyReadQuery = Type.Object({
  version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'An older version\'s definition (stats are always the whole journey\'s)' })),
});

/** `POST /journeys/{id}/entries`. */
export const EntriesInput = Type.Object(
  {
    customerIds: Type.Array(Type.String({ minLength: 1, maxLength: 256, pattern: '^\\P{Cc}+$' }), { minItems: 1, maxItems: JOURNEY_LIMITS.entries }),
  },
  { $id: 'JourneyEntriesInput', title: 'JourneyEntriesInput', additionalProperties: false },
);
export type EntriesInput = Static<typeof EntriesInput>;

export const EntriesResult = Type.Object(
  {
    entered: Type.Array(Type.Object({ customerId: Type.String(), instanceId: Type.String() })),
    skipped: Type.Array(Type.Object({ customerId: Type.String(), reason: StringEnum(['inJourney', 'alreadyEntered', 'duplicate'] as const) })),
  },
  { $id: 'JourneyEntriesResult', title: 'JourneyEntriesResult' },
);

export const InstanceQuery = Type.Object({
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 256, pattern: '^\\P{Cc}+$' })),
  ...PageQuery,
});
export type InstanceQuery = Static<typeof InstanceQuery>;

const Step = Type.Object({
  nodeId: Type.String(),
  name: Type.String(),
  type: Type.String(),
  visitId: Type.String({ description: 'process_info.processNodeInstanceId of this visit' }),
  enteredAt: time(),
  leftAt: Nullable(time()),
  exit: Nullable(Type.String({ description: 'The exit or branch taken; null while still there' })),
});

export const JourneyInstance = Type.Object(
  {
    instanceId: Type.String({ description: 'process_info.processInstanceId and callback_params.instanceId' }),
    customerId: Type.String(),
    version: Type.Integer({ description: 'The journey version the user runs through' }),
    status: StringEnum(['active', 'exited', 'stopped'] as const),
    startedAt: time(),
    exitedAt: Nullable(time()),
    groupName: Type.String({ description: 'process_info.groupName: the random splits passed' }),
    waitingUntil: Nullable(time('Wait end or judgment deadline at the current node')),
    path: Type.Array(Step),
  },
  { $id: 'JourneyInstance', title: 'JourneyInstance' },
);

export const JourneyInstancePage = Type.Object(
  { items: Type.Array(Type.Ref('JourneyInstance')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'JourneyInstancePage', title: 'JourneyInstancePage' },
);

/** Every named schema of this feature, to register once. */
export const JOURNEY_SCHEMAS = [JourneyInput, Journey, JourneyDetail, JourneyPage, EntriesInput, EntriesResult, JourneyInstance, JourneyInstancePage];
