import { expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { batchRow, createWebhook, dispatcher, enqueue, isolateWebhooks, OK, SHORT_SCHEDULE, useScriptedReceiver } from './support.js';

describeEachDialect('dispatcher: per-webhook limits and circuit breaker', (dialect) => {
  const t = useTestApp(dialect, SHORT_SCHEDULE);
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('file');

  /** Resets the receiver's counters and script. */
  function reset(script = OK) {
    receiver.script = script;
    receiver.maxInFlight = 0;
    return receiver.requests.length;
  }

  it('never has more than maxConcurrency requests in flight to a webhook (rounds and the running loop)', async () => {
    reset(() => ({ delayMs: 60 }));
    const webhookId = await createWebhook(t(), receiver.url, { delivery: { maxConcurrency: 3 } });
    await enqueue(t(), webhookId, Array(7).fill(1));
    const engine = dispatcher(t());
    expect(await engine.runOnce()).toBe(3);
    expect(receiver.maxInFlight).toBe(3);
    expect(await engine.drain()).toBe(4);
    expect(receiver.maxInFlight).toBe(3);

    const from = reset(() => ({ delayMs: 60 }));
    const batches = await enqueue(t(), webhookId, Array(9).fill(1));
    engine.start();
    try {
      await expect.poll(() => receiver.requests.length - from, { timeout: 2_000, interval: 10 }).toBe(9);
    } finally {
      await engine.stop();
    }
    expect(receiver.maxInFlight).toBe(3);
    for (const batch of batches) expect((await batchRow(t(), batch.batchId)).status).toBe('succeeded');
  });

  it('shares the process-wide concurrency fairly between webhooks', async () => {
    const from = reset(() => ({ delayMs: 60 }));
    const a = await createWebhook(t(), `${receiver.url}?hook=a`);
    const b = await createWebhook(t(), `${receiver.url}?hook=b`);
    await enqueue(t(), a, Array(6).fill(1));
    await enqueue(t(), b, Array(6).fill(1));
    const engine = dispatcher(t(), { concurrency: 4 });
    expect(await engine.runOnce()).toBe(4);
    const firstRound = receiver.requests.slice(from).map((r) => new URL(r.url, 'http://x').searchParams.get('hook'));
    expect(firstRound.sort()).toEqual(['a', 'a', 'b', 'b']);
    expect(await engine.drain()).toBe(8);
    expect(receiver.maxInFlight).toBe(4);
  });

  it('spends tokens at maxPerSecond: a burst of a tenth of a second, then one token per 1/rate s (manual clock)', async () => {
    reset();
    const slow = await createWebhook(t(), receiver.url, { delivery: { maxPerSecond: 5 } });
    await enqueue(t(), slow, Array(4).fill(1));
    const engine = dispatcher(t());
    expect(await engine.runOnce()).toBe(1);
    expect(await engine.runOnce()).toBe(0);
    t().clock.advance(199);
    expect(await engine.runOnce()).toBe(0);
    t().clock.advance(1);
    expect(await engine.runOnce()).toBe(1);
    // Idle time does not build up more than the burst.
    t().clock.advance(10_000);
    expect(await engine.drain()).toBe(1);
    t().clock.advance(200);
    expect(await engine.drain()).toBe(1);
  });

  it('never exceeds rate + burst in any one-second window over a simulated run', async () => {
    reset();
    const webhookId = await createWebhook(t(), receiver.url, { delivery: { maxPerSecond: 50, maxConcurrency: 64 } });
    await enqueue(t(), webhookId, Array(120).fill(1));
    const engine = dispatcher(t());
    const sends: number[] = [];
    const t0 = t().clock.now();
    while (sends.length < 120 && t().clock.now() - t0 < 5_000) {
      const n = await engine.runOnce();
      for (let i = 0; i < n; i++) sends.push(t().clock.now());
      t().clock.advance(10);
    }
    expect(sends).toHaveLength(120);
    for (const start of sends) expect(sends.filter((s) => s >= start && s < start + 1_000).length).toBeLessThanOrEqual(50 + 5);
    // 120 requests at 50/s after a burst of 5 take at least 2.3 s.
    expect(sends.at(-1)! - t0).toBeGreaterThanOrEqual(2_300);
  });

  it('paces the running loop by the wall clock (real time, about 1 s)', async () => {
    const from = reset();
    t().clock.set(Date.now() - 1_000);
    const webhookId = await createWebhook(t(), receiver.url, { delivery: { maxPerSecond: 10 } });
    await enqueue(t(), webhookId, Array(30).fill(1));
    const engine = dispatcher(t(), { clock: systemClock });
    const started = performance.now();
    engine.start();
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    await engine.stop();
    const times = receiver.requests.slice(from).map((r) => r.at);
    // One at once, then one every 100 ms: 11 in 1.05 s (a late timer can only make it fewer).
    expect(times.length).toBeGreaterThanOrEqual(8);
    expect(times.length).toBeLessThanOrEqual(11);
    for (const at of times) expect(times.filter((s) => s >= at && s < at + 1_000).length).toBeLessThanOrEqual(11);
    expect(times[0]! - started).toBeLessThan(200);
  });

  it('opens the circuit after consecutive failures without spending attempts, probes half-open, and closes on success', async () => {
    const from = reset(() => ({ status: 500, body: {} }));
    const webhookId = await createWebhook(t(), receiver.url);
    const batches = await enqueue(t(), webhookId, Array(5).fill(1));
    const engine = dispatcher(t(), { circuit: { failureThreshold: 3, coolDownMs: 60_000, maxCoolDownMs: 240_000 } });
    const t0 = t().clock.now();

    expect(await engine.runOnce()).toBe(5);
    expect(engine.circuitState(webhookId)).toEqual({ state: 'open', consecutiveFailures: 5, openUntil: t0 + 60_000, coolDownMs: 60_000 });
    t().clock.set(t0 + 30_000); // every retry is due, but the circuit is open
    expect(await engine.runOnce()).toBe(0);
    for (const batch of batches) expect((await batchRow(t(), batch.batchId)).attempts).toBe(1);

    t().clock.set(t0 + 60_000);
    expect(engine.circuitState(webhookId)?.state).toBe('half-open');
    expect(await engine.runOnce()).toBe(1); // one probe, which fails: open twice as long
    expect(engine.circuitState(webhookId)).toMatchObject({ state: 'open', openUntil: t0 + 180_000, coolDownMs: 120_000 });
    t().clock.set(t0 + 179_999);
    expect(await engine.runOnce()).toBe(0);

    receiver.script = OK;
    t().clock.set(t0 + 180_000);
    expect(await engine.runOnce()).toBe(1); // the probe succeeds: closed
    expect(engine.circuitState(webhookId)).toEqual({ state: 'closed', consecutiveFailures: 0, openUntil: null, coolDownMs: 60_000 });
    expect(await engine.drain()).toBe(4);
    const rows = await Promise.all(batches.map((b) => batchRow(t(), b.batchId)));
    expect(rows.map((r) => r.status)).toEqual(Array(5).fill('succeeded'));
    expect(rows.map((r) => r.attempts).sort()).toEqual([2, 2, 2, 2, 3]);
    expect(receiver.requests.length - from).toBe(5 + 1 + 5);
    expect(engine.circuitStates().get(webhookId)?.state).toBe('closed');
  });
});
