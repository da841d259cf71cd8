import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { decideMemberWebhookUse } from '../access/may-use-webhook.js';
import { findAudience } from '../audiences/store.js';
import type { AppContext } from '../context.js';
import { outboxCommonOf } from '../delivery/build-batches.js';
import { assertWebhookInWorkspace } from '../delivery/enqueue.js';
import { notifyEnqueued } from '../delivery/notify.js';
import { insertOutboxChunk, type OutboxCommon } from '../delivery/outbox.js';
import { maxAttemptsOf } from '../delivery/retry-policy.js';
import { errors, HookreachError, type FieldError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import { onSignal } from '../shared/signals.js';
import type { TaskRow } from '../store/schema.js';
import type { Webhook } from '../webhooks/model.js';
import { findWebhook } from '../webhooks/store.js';
import type { TaskFailure } from './model.js';
import type { BuiltPage } from './build-page.js';
import { defaultPageSource, type PageSource } from './page-source.js';
import { sendSpecOf, type SendSpec } from './plan-page.js';
import { claimTask, commitPage, failTask, findClaimableTasks, finishSettledTasks, releaseTask, setAudienceSize } from './run-store.js';
import { toTask } from './store.js';
import { checkSendValues } from './validate-task.js';

/** Where the runner reports trouble (pino's signature). */
export interface TaskRunnerLog {
  error(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface TaskRunnerOptions {
  ctx: AppContext;
  /** Default ctx.clock. */
  clock?: Clock;
  /** Unique among live runners; default `<host>:<pid>:<random>`. */
  runnerId?: string;
  /** Audience users read per page (one transaction each); default 2,000. */
  pageSize?: number;
  /** How long a runner owns a task without committing a page; default 60 s. */
  leaseMs?: number;
  /** How often the loop looks for due tasks and settled ones; default config.delivery.pollIntervalMs. */
  pollIntervalMs?: number;
  log?: TaskRunnerLog;
  /** Called after each committed page (tests simulate a crash between pages by throwing here). */
  afterPage?: (taskId: string, pages: number) => void | Promise<void>;
  /** Where pages are read and built (the caller closes it); default a thread of the runner's own on a SQLite file store, the event loop otherwise. */
  pages?: PageSource;
}

/** What one round did. */
export interface RunSummary {
  /** Tasks claimed (first starts and resumptions). */
  claimed: number;
  pages: number;
  failed: number;
  finished: number;
}

export const DEFAULT_PAGE_SIZE = 2_000;
export const DEFAULT_TASK_LEASE_MS = 60_000;
const CLAIM_SCAN = 10;

const silent: TaskRunnerLog = { error() {}, warn() {} };

/** The page's commit found the task cancelled or its lease taken: roll back and stop. */
class LeaseLost extends Error {}

/**
 * Runs webhook tasks: claims due ones (a conditional update, so many processes may run one each),
 * checks that the creator may still use the webhook, then streams the audience page by page into
 * the delivery engine. Each page's batches and the task's cursor and counters commit in one
 * transaction, so a restart resumes after the last committed page and never enqueues a user twice.
 * A task finishes once all its pages are enqueued and all its batches have ended.
 */
export class TaskRunner {
  readonly runnerId: string;
  private readonly ctx: AppContext;
  private readonly clock: Clock;
  private readonly pageSize: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly log: TaskRunnerLog;
  private readonly afterPage: TaskRunnerOptions['afterPage'];
  private readonly pages: PageSource;
  /** The page source is the runner's own, closed when it stops. */
  private readonly ownsPages: boolean;
  private running = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> | undefined;
  /** A task was created or changed during the round in progress: look again at once after it. */
  private woken = false;
  private unsubscribe: (() => void) | undefined;

  constructor(options: TaskRunnerOptions) {
    this.ctx = options.ctx;
    this.clock = options.clock ?? options.ctx.clock;
    this.runnerId = options.runnerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.leaseMs = options.leaseMs ?? DEFAULT_TASK_LEASE_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? options.ctx.config.delivery.pollIntervalMs;
    this.log = options.log ?? silent;
    this.afterPage = options.afterPage;
    this.ownsPages = options.pages === undefined;
    this.pages = options.pages ?? defaultPageSource(options.ctx.store, (error) => this.log.warn({ err: error }, 'tasks: the page thread failed; this page is built on the event loop'));
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new RangeError('pageSize must be a positive integer');
  }

  /** Starts the loop: a round every poll interval, and at once when this process creates or changes a task. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = onSignal(this.ctx.store, 'tasks', () => this.wake());
    this.schedule(0);
  }

  /** Stops after the page in progress; a task left half-enqueued is released for any runner to resume. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    await this.round?.catch(() => {});
    if (this.ownsPages) await this.pages.close();
    this.running = false;
    this.stopping = false;
  }

  /** One round (tests and tools, not while started): claim and run every due task, then finish settled ones. */
  async runOnce(): Promise<RunSummary> {
    if (this.running) throw new Error('runOnce() is for a runner that is not started');
    return this.runRound();
  }

  private wake(): void {
    if (!this.running || this.stopping) return;
    if (this.round) {
      this.woken = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (!this.running || this.stopping) return;
    this.timer = setTimeout(() => {
      this.round = this.runRound()
        .catch((error: unknown) => this.log.error({ err: error }, 'tasks: a round failed; retrying at the next poll'))
        .finally(() => {
          this.round = undefined;
          const again = this.woken;
          this.woken = false;
          this.schedule(again ? 0 : this.pollIntervalMs);
        });
    }, delay);
  }

  private async runRound(): Promise<RunSummary> {
    const summary: RunSummary = { claimed: 0, pages: 0, failed: 0, finished: 0 };
    const tried = new Set<string>();
    for (;;) {
      if (this.stopping) break;
      const ids = (await findClaimableTasks(this.ctx.store.db, this.clock.now(), CLAIM_SCAN)).filter((id) => !tried.has(id));
      if (ids.length === 0) break;
      for (const id of ids) {
        if (this.stopping) break;
        tried.add(id);
        const now = this.clock.now();
        const claimed = await claimTask(this.ctx.store.db, id, this.runnerId, now, now + this.leaseMs);
        if (!claimed) continue;
        summary.claimed++;
        try {
          await this.runTask(claimed.row, claimed.firstStart, summary);
        } catch (error) {
          // In the loop, a failed task is released for the next poll; runOnce lets a test see the "crash".
          if (this.running) await releaseTask(this.ctx.store.db, id, this.runnerId, this.clock.now()).catch(() => {});
          throw error;
        }
      }
    }
    summary.finished = (await finishSettledTasks(this.ctx.store.db, this.clock.now())).length;
    return summary;
  }

  private async fail(task: TaskRow, failure: TaskFailure, summary: RunSummary): Promise<void> {
    if (await failTask(this.ctx.store.db, task.id, this.runnerId, failure, this.clock.now())) summary.failed++;
  }

  /** Checks the task may run, then enqueues its pages from its cursor on. */
  private async runTask(task: TaskRow, firstStart: boolean, summary: RunSummary): Promise<void> {
    const db = this.ctx.store.db;
    if (firstStart) {
      // The creator is read as they stand now: a lost role or grant, a disabled or deleted member refuses the run (docs/access.md).
      const decision = await decideMemberWebhookUse(this.ctx, task.workspace_id, task.created_by, task.webhook_id);
      if (!decision.allowed) return this.fail(task, { code: decision.error.code, message: decision.error.message }, summary);
      const audience = await findAudience(db, task.workspace_id, task.audience_id);
      await setAudienceSize(db, task.id, this.runnerId, audience?.userCount ?? 0);
    }
    const record = await findWebhook(db, task.workspace_id, task.webhook_id);
    if (!record) return this.fail(task, failureOf(errors.notFound('Webhook', task.webhook_id)), summary);
    const spec = await this.specOf(task, record.webhook);
    if (spec instanceof HookreachError) return this.fail(task, failureOf(spec), summary);

    const maxAttempts = maxAttemptsOf(this.ctx.config.delivery.retryScheduleMs);
    const build = (cursor: string | null): { common: OutboxCommon; built: Promise<BuiltPage> } => {
      const common = outboxCommonOf({ workspaceId: task.workspace_id, webhookId: task.webhook_id, runKind: 'task', taskId: task.id }, maxAttempts, this.clock.now());
      const built = this.pages.build({ audienceId: task.audience_id, cursor, pageSize: this.pageSize, spec, common });
      // A page built ahead is dropped unread when the task stops (cancelled, lease lost, shutdown): its failure is nobody's.
      built.catch(() => {});
      return { common, built };
    };
    let next = build(task.cursor);
    for (;;) {
      if (this.stopping) return releaseTask(db, task.id, this.runnerId, this.clock.now());
      const { common } = next;
      const page = await next.built;
      // On a page thread, the next page is read and built while this one is inserted and sent.
      if (this.pages.ahead && !page.progress.last) next = build(page.progress.cursor);
      const now = this.clock.now();
      const committed = await db
        .transaction()
        .execute(async (trx) => {
          if (page.chunk) {
            await assertWebhookInWorkspace(trx, this.ctx.store.dialect, common);
            await insertOutboxChunk(trx, this.ctx.store.dialect, common, page.chunk);
          }
          if (!(await commitPage(trx, this.ctx.store.dialect, task.id, this.runnerId, page.progress, now, now + this.leaseMs))) throw new LeaseLost();
        })
        .then(
          () => true,
          (error: unknown) => {
            if (error instanceof LeaseLost) return false;
            throw error;
          },
        );
      // Cancelled, or another runner took over after this one's lease ran out: nothing of this page was written.
      if (!committed) return;
      if (page.chunk) notifyEnqueued(this.ctx.store, [task.webhook_id]);
      summary.pages++;
      await this.afterPage?.(task.id, summary.pages);
      if (page.progress.last) return;
      if (!this.pages.ahead) next = build(page.progress.cursor);
      // On SQLite every await above resolves at once: without a turn of the event loop here, a large
      // audience would be enqueued in one block while sends, records and requests wait (leases expired).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * The task's values checked against the webhook as it is now (it may have been edited while
   * disabled since the task was saved), or the error that fails the task. Managed parameter options
   * were checked when the task was saved; an interface is not called again at run time.
   */
  private async specOf(task: TaskRow, webhook: Webhook): Promise<SendSpec | HookreachError> {
    const view = toTask(task, this.clock.now());
    const problems: FieldError[] = [];
    const saved = { optionsOf: async (parameterId: string) => webhook.parameters.filter((p) => p.parameterId === parameterId).map((p) => view.params[p.name] ?? '') };
    await checkSendValues(webhook.parameters, webhook.idTypes, { idType: view.idType, params: view.params }, saved, problems);
    if (problems.length > 0) return errors.taskWebhookChanged(problems);
    const textParameters = new Set(webhook.parameters.filter((p) => p.type === 'text').map((p) => p.name));
    return sendSpecOf(view, textParameters);
  }
}

function failureOf(error: HookreachError): TaskFailure {
  return { code: error.code, message: error.message };
}
