import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * How the outbox keeps a batch's POST body: raw DEFLATE at level 1. A 100-user body averages 57 KB of
 * JSON and packs to about 5% of that in 0.08 ms; stored as text, a 1,000,000-user task wrote 570 MB
 * to SQLite, and its commits and WAL checkpoints on the event loop cost 2–4 s of the run
 * (docs/benchmarks.md, eighth session). The bytes sent never change: unpacking gives the JSON back exactly.
 */

/** The stored form of a serialised batch: a Buffer that owns its memory, so handing it to another thread copies only it. */
export function packBody(json: string): Buffer {
  const packed = deflateRawSync(json, { level: 1 });
  if (packed.byteLength === packed.buffer.byteLength) return packed;
  // zlib returns a view on a larger buffer, which structured clone would copy whole (Buffer.from would pool it again).
  const owned = Buffer.allocUnsafeSlow(packed.byteLength);
  packed.copy(owned);
  return owned;
}

/** The JSON bytes of a stored body, exactly as they were serialised. */
export function unpackBody(stored: Uint8Array): Buffer {
  return inflateRawSync(stored);
}

/** A body that crossed a thread (structured clone turns a Buffer into a plain Uint8Array) as a Buffer, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
