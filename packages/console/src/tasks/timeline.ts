import { api, type Schemas } from '../shared/api';

type Recipient = Schemas['TaskRecipient'];

/** How many recipients the chart reads at most (5 pages of 1,000): beyond that it shows the first ones and says so. */
export const TIMELINE_LIMIT = 5000;

export interface TimelinePoint {
  at: number;
  sent: number;
  receipts: number;
}

export interface Timeline {
  points: TimelinePoint[];
  bucketMs: number;
  /** Recipients read; fewer than the task's when it has more than TIMELINE_LIMIT. */
  read: number;
  truncated: boolean;
}

const STEPS = [1_000, 5_000, 15_000, 60_000, 5 * 60_000, 15 * 60_000, 3_600_000, 6 * 3_600_000, 86_400_000];

/** Counts sends (sentAt) and latest receipts (receiptAt) per time bucket, with at most ~`maxBuckets` buckets. */
export function bucketTimes(recipients: Pick<Recipient, 'sentAt' | 'receiptAt'>[], maxBuckets = 40): { points: TimelinePoint[]; bucketMs: number } {
  const sent = recipients.flatMap((r) => (r.sentAt ? [Date.parse(r.sentAt)] : []));
  const receipts = recipients.flatMap((r) => (r.receiptAt ? [Date.parse(r.receiptAt)] : []));
  const all = [...sent, ...receipts];
  if (all.length === 0) return { points: [], bucketMs: STEPS[0]! };
  const min = Math.min(...all);
  const max = Math.max(...all);
  const bucketMs = STEPS.find((s) => (max - min) / s < maxBuckets) ?? STEPS[STEPS.length - 1]!;
  const start = Math.floor(min / bucketMs) * bucketMs;
  const count = Math.floor((max - start) / bucketMs) + 1;
  const points = Array.from({ length: count }, (_, i) => ({ at: start + i * bucketMs, sent: 0, receipts: 0 }));
  for (const at of sent) points[Math.floor((at - start) / bucketMs)]!.sent++;
  for (const at of receipts) points[Math.floor((at - start) / bucketMs)]!.receipts++;
  return { points, bucketMs };
}

/**
 * The chart's series, derived from the recipients API (no timeline endpoint): each recipient's send
 * time and its latest receipt's time. Reads at most TIMELINE_LIMIT recipients through the `after` cursor.
 */
export async function loadTimeline(taskId: string): Promise<Timeline> {
  const recipients: Recipient[] = [];
  let after: string | undefined;
  let truncated = false;
  for (;;) {
    const page = await api('get', '/api/v1/tasks/{id}/recipients', { path: { id: taskId }, query: { limit: 1000, ...(after ? { after } : {}) } });
    recipients.push(...page.items);
    if (!page.nextCursor) break;
    if (recipients.length >= TIMELINE_LIMIT) {
      truncated = true;
      break;
    }
    after = page.nextCursor;
  }
  return { ...bucketTimes(recipients), read: recipients.length, truncated };
}
