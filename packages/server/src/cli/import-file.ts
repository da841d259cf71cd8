import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What `hookreach import` needs to stream a file to the API. */
export interface UploadOptions {
  /** Base URL of Hookreach, e.g. http://127.0.0.1:8080 */
  url: string;
  token: string;
  audienceId: string;
  file: string;
  format: 'csv' | 'ndjson';
  /** Called as bytes leave, with the file's size. */
  onProgress?: (sent: number, total: number) => void;
}

/** The API's answer: its status and parsed JSON body (or text when it is not JSON). */
export interface UploadAnswer {
  status: number;
  body: unknown;
}

const MEDIA_TYPES = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' } as const;

/** The format a file's name suggests: .ndjson and .jsonl are NDJSON, anything else CSV. */
export function formatOfFile(file: string): 'csv' | 'ndjson' {
  return ['.ndjson', '.jsonl'].includes(path.extname(file).toLowerCase()) ? 'ndjson' : 'csv';
}

/**
 * Streams `file` to `POST /api/v1/audiences/{id}/import` with its Content-Length, never reading it
 * whole; the server's pace (it writes as it reads) drives the progress. Resolves with the answer,
 * also when the server answers early (a refusal), and then stops sending.
 */
export async function uploadAudienceFile(options: UploadOptions): Promise<UploadAnswer> {
  const total = (await fs.promises.stat(options.file)).size;
  const target = new URL(`/api/v1/audiences/${encodeURIComponent(options.audienceId)}/import`, options.url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<UploadAnswer>((resolve, reject) => {
    let answered = false;
    const request = client.request(target, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': MEDIA_TYPES[options.format], 'content-length': String(total), accept: 'application/json' },
    });
    request.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: response.statusCode ?? 0, body });
        // An early answer (a refusal) means the rest of the file is not wanted.
        request.destroy();
      });
    });
    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sent += chunk.length;
        options.onProgress?.(sent, total);
        done(null, chunk);
      },
    });
    let failure: unknown;
    // A server that answers before reading everything closes the connection: its answer counts, not the broken pipe.
    request.on('error', (error) => {
      failure ??= error;
    });
    request.on('close', () => {
      if (!answered) reject(failure ?? new Error('the connection closed without an answer'));
    });
    pipeline(fs.createReadStream(options.file, { highWaterMark: 256 * 1024 }), counter, request).catch((error: unknown) => {
      failure = error;
    });
  });
}

const MB = 1024 * 1024;

/** `[#######-------]  50%  40.0/80.0 MB`: a progress bar of bytes sent. */
export function progressBar(sent: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, sent / total) : 1;
  const filled = Math.round(ratio * width);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}  ${(sent / MB).toFixed(1)}/${(total / MB).toFixed(1)} MB`;
}

/**
 * A progress reporter for stderr: redrawn in place on a terminal (at most ten times a second),
 * one line per tenth of the file otherwise (logs, CI).
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): { update(sent: number, total: number): void; done(): void } {
  let lastDraw = 0;
  let lastTenth = -1;
  let drawn = false;
  return {
    update(sent, total) {
      if (stream.isTTY) {
        const now = performance.now();
        if (now - lastDraw < 100 && sent < total) return;
        lastDraw = now;
        drawn = true;
        stream.write(`\r${progressBar(sent, total)}`);
        return;
      }
      const tenth = total > 0 ? Math.floor((sent / total) * 10) : 10;
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        stream.write(`${progressBar(sent, total)}\n`);
      }
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
