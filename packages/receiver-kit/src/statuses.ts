/** A receipt status and how often the reference receiver reports it, relative to the other statuses' weights. */
export interface StatusWeight {
  code: string;
  weight: number;
}

export const DEFAULT_STATUSES: readonly StatusWeight[] = Object.freeze([
  Object.freeze({ code: '200', weight: 0.9 }),
  Object.freeze({ code: '500', weight: 0.1 }),
]);

const CODE = /^[^\s,:]+$/;
const WEIGHT = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Checks a status list: at least one status, non-empty codes without spaces, commas or colons, finite weights >= 0 summing to more than 0. */
export function checkStatuses(statuses: readonly StatusWeight[]): void {
  if (!Array.isArray(statuses) || statuses.length === 0) throw new RangeError('statuses: give at least one status');
  let total = 0;
  for (const s of statuses) {
    if (typeof s?.code !== 'string' || !CODE.test(s.code)) {
      throw new RangeError(`statuses: ${JSON.stringify(s?.code)} is not a status code (non-empty, no spaces, commas or colons)`);
    }
    if (typeof s.weight !== 'number' || !Number.isFinite(s.weight) || s.weight < 0) {
      throw new RangeError(`statuses: the weight of "${s.code}" must be a number >= 0, got ${String(s.weight)}`);
    }
    total += s.weight;
  }
  if (!(total > 0)) throw new RangeError('statuses: the weights must add up to more than 0');
}

/** Reads `code:weight,code:weight` (e.g. `200:0.9,500:0.1`; a code alone weighs 1). Throws RangeError with a clear message. */
export function parseStatuses(text: string): StatusWeight[] {
  const out: StatusWeight[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') throw new RangeError(`statuses: empty entry in ${JSON.stringify(text)}; expected code:weight[,code:weight...], e.g. 200:0.9,500:0.1`);
    const parts = item.split(':');
    if (parts.length > 2) throw new RangeError(`statuses: ${JSON.stringify(item)} has more than one ":"; expected code:weight, e.g. 200:0.9`);
    const code = parts[0]!.trim();
    const weightText = parts[1]?.trim();
    if (weightText !== undefined && !WEIGHT.test(weightText)) {
      throw new RangeError(`statuses: the weight in ${JSON.stringify(item)} must be a number >= 0, e.g. 200:0.9`);
    }
    out.push({ code, weight: weightText === undefined ? 1 : Number(weightText) });
  }
  checkStatuses(out);
  return out;
}

/** A function drawing a status code at random, by weight (statuses are checked first). */
export function statusPicker(statuses: readonly StatusWeight[], random: () => number = Math.random): () => string {
  checkStatuses(statuses);
  const live = statuses.filter((s) => s.weight > 0);
  if (live.length === 1) {
    const only = live[0]!.code;
    return () => only;
  }
  const codes = live.map((s) => s.code);
  const bounds: number[] = [];
  let total = 0;
  for (const s of live) bounds.push((total += s.weight));
  const last = codes.length - 1;
  return () => {
    const r = random() * total;
    for (let i = 0; i < last; i++) if (r < bounds[i]!) return codes[i]!;
    return codes[last]!;
  };
}
