import { buildPage } from '../src/tasks/build-page.js';
import { sendSpecOf } from '../src/tasks/plan-page.js';
import { outboxCommonOf } from '../src/delivery/enqueue.js';
import { parseStrings } from '../src/audiences/users-page.js';

const N = 2000;
const stored = Array.from({ length: N }, (_, i) => ({ customerId: `c${String(i).padStart(7, '0')}`, ids: JSON.stringify({ OPEN_ID: `o${i}` }), attributes: JSON.stringify({ name: `User ${i}` }) }));
const spec = sendSpecOf({ idType: 'OPEN_ID', batchSize: 100, params: { define_item1: 'C-42', define_item2: 'Hello ${name}, a discount event is happening in Beijing' }, missingVariable: 'skip' }, new Set(['define_item2']));
const common = outboxCommonOf({ workspaceId: 'ws', webhookId: 'wh_x', runKind: 'task', taskId: 'tsk_x' }, 5, Date.now());
const mode = process.argv[2] ?? 'all';
let t0 = 0;
for (let round = 0; round < 300; round++) {
  if (round === 100) t0 = performance.now();
  const users = stored.map((r) => ({ customerId: r.customerId, ids: parseStrings(r.ids), attributes: parseStrings(r.attributes) }));
  if (mode === 'parse') continue;
  buildPage(users, { audienceId: 'a', cursor: null, pageSize: N, spec, common });
}
console.log(mode, 'us/user', ((performance.now() - t0) * 1000) / (200 * N));
