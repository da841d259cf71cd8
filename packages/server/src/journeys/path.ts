import type { JourneyStepRow } from '../store/schema.js';

/**
 * An instance's path (the node visits it finished) is kept on its row, a line of JSON per visit,
 * appended as it moves: one row write per move instead of a row per visit (docs/journeys.md).
 */

/** One finished visit as a line of an instance's `path`. */
export function pathLine(step: JourneyStepRow): string {
  return `${JSON.stringify([step.node_id, step.visit_id, step.entered_at, step.left_at, step.exit])}\n`;
}

/** The lines each instance appends to its path, by instance id, in the order of `steps`. */
export function pathTails(steps: readonly JourneyStepRow[]): Map<string, string> {
  const tails = new Map<string, string>();
  // The same line as pathLine, with each node id and exit quoted once for all the steps (visit ids are all different).
  const quoted = new Map<string, string>();
  const quote = (text: string) => {
    let q = quoted.get(text);
    if (q === undefined) quoted.set(text, (q = JSON.stringify(text)));
    return q;
  };
  // Times are few (a page's users move at the same moments): each written once.
  const times = new Map<number, string>();
  const time = (at: number) => {
    let text = times.get(at);
    if (text === undefined) times.set(at, (text = String(at)));
    return text;
  };
  for (const step of steps) {
    const line = `[${quote(step.node_id)},${JSON.stringify(step.visit_id)},${time(step.entered_at)},${time(step.left_at)},${quote(step.exit)}]\n`;
    const tail = tails.get(step.instance_id);
    tails.set(step.instance_id, tail === undefined ? line : tail + line);
  }
  return tails;
}

/** The visits of one instance's path, oldest first (lines that do not parse are skipped). */
export function readPath(instance: { id: string; journey_id: string; path: string }): JourneyStepRow[] {
  const steps: JourneyStepRow[] = [];
  for (const line of instance.path.split('\n')) {
    if (line === '') continue;
    try {
      const [nodeId, visitId, enteredAt, leftAt, exit] = JSON.parse(line) as [string, string, number, number, string];
      steps.push({ instance_id: instance.id, seq: steps.length + 1, journey_id: instance.journey_id, node_id: nodeId, visit_id: visitId, entered_at: Number(enteredAt), left_at: Number(leftAt), exit });
    } catch {
      // Written only by pathLine; a damaged line hides one visit, not the instance.
    }
  }
  return steps;
}
