import type { LineProblem } from './csv-records.js';

/** One non-blank line of an NDJSON file and its number, counted from 1. */
export interface TextLine {
  line: number;
  text: string;
}

export type LineItem = TextLine | LineProblem;

/**
 * Splits text pushed in pieces into lines (LF or CRLF), holding at most one line: a leading BOM
 * is dropped, blank lines skipped, and a line longer than the limit is reported and skipped.
 */
export class LineReader {
  private buffer = '';
  private line = 1;
  private started = false;
  private skipping = false;

  constructor(private readonly maxLineLength: number) {}

  /** Reads `text`, appending complete lines and problems to `out`. */
  push(text: string, out: LineItem[]): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buffer = this.buffer.length > 0 ? this.buffer + text : text;
    this.drain(out, false);
  }

  /** The file has ended: reads the last line. */
  end(out: LineItem[]): void {
    this.drain(out, true);
    this.buffer = '';
  }

  private drain(out: LineItem[], final: boolean): void {
    const buf = this.buffer;
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf('\n', pos);
      if (nl === -1 && !final) {
        if (!this.skipping && buf.length - pos > this.maxLineLength) {
          out.push({ line: this.line, reason: `the line is longer than ${this.maxLineLength} characters` });
          this.skipping = true;
        }
        if (this.skipping) pos = buf.length;
        break;
      }
      const stop = nl === -1 ? buf.length : nl;
      if (this.skipping) this.skipping = false;
      else {
        const text = stop > pos && buf.charCodeAt(stop - 1) === 13 ? buf.slice(pos, stop - 1) : buf.slice(pos, stop);
        if (text.length > this.maxLineLength) out.push({ line: this.line, reason: `the line is longer than ${this.maxLineLength} characters` });
        else if (text.trim().length > 0) out.push({ line: this.line, text });
      }
      this.line++;
      pos = nl === -1 ? buf.length : nl + 1;
    }
    this.buffer = pos === 0 ? buf : buf.slice(pos);
  }
}
