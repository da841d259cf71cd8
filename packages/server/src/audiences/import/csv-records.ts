/** A record (one logical CSV row) and the physical line it starts on, counted from 1. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A line that could not be read as a record. */
export interface LineProblem {
  line: number;
  reason: string;
}

export type CsvItem = CsvRecord | LineProblem;

/** What `parseQuoted` found: an item ending at `end`, or null when the record continues past the text seen so far. */
type Parsed = { item: CsvItem; end: number } | null;

/**
 * Reads RFC 4180 CSV pushed in pieces of text, without holding more than one record: fields
 * separated by commas, records by LF or CRLF, quoted fields with `""` for a quote and line breaks
 * inside, a leading BOM dropped, blank lines skipped. A malformed record is reported with the line
 * it starts on, and reading resumes at the next line break after the fault, so one bad line never
 * costs the rest. Unquoted lines (almost all of a large file) take a fast path through indexOf/split.
 */
export class CsvReader {
  private buffer = '';
  /** The physical line `buffer[0]` is on. */
  private line = 1;
  private started = false;
  /** Discarding the rest of an over-long record up to the next line break outside quotes. */
  private skipping = false;
  /** While skipping: inside a quoted field (an odd number of quotes seen), where line breaks belong to the field. */
  private skippingQuoted = false;

  constructor(private readonly maxRecordLength: number) {}

  /** Reads `text` (the next piece of the file), appending complete records and problems to `out`. */
  push(text: string, out: CsvItem[]): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buffer = this.buffer.length > 0 ? this.buffer + text : text;
    this.drain(out, false);
  }

  /** The file has ended: reads what is left. */
  end(out: CsvItem[]): void {
    this.drain(out, true);
    this.buffer = '';
  }

  private drain(out: CsvItem[], final: boolean): void {
    const buf = this.buffer;
    let pos = 0;
    let nextQuote = buf.indexOf('"');
    while (pos < buf.length) {
      if (this.skipping) {
        pos = this.skip(buf, pos);
        continue;
      }
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = buf.indexOf('"', pos);
      const nl = buf.indexOf('\n', pos);
      if (nextQuote === -1 || (nl !== -1 && nextQuote > nl)) {
        if (nl === -1 && !final) {
          if (buf.length - pos > this.maxRecordLength) pos = this.tooLong(out, buf, pos);
          break;
        }
        const stop = nl === -1 ? buf.length : nl;
        const record = buf.charCodeAt(stop - 1) === 13 && stop > pos ? buf.slice(pos, stop - 1) : buf.slice(pos, stop);
        pos = nl === -1 ? buf.length : nl + 1;
        if (record.length > this.maxRecordLength) out.push({ line: this.line, reason: this.tooLongReason() });
        else if (record.length > 0) out.push({ line: this.line, fields: record.split(',') });
        this.line++;
        continue;
      }
      const parsed = this.parseQuoted(buf, pos, final);
      if (parsed === null) {
        if (buf.length - pos > this.maxRecordLength) pos = this.tooLong(out, buf, pos);
        break;
      }
      if ('fields' in parsed.item && parsed.end - pos > this.maxRecordLength) out.push({ line: this.line, reason: this.tooLongReason() });
      else out.push(parsed.item);
      this.line += countLineBreaks(buf, pos, parsed.end);
      pos = parsed.end;
    }
    this.buffer = pos === 0 ? buf : buf.slice(pos);
  }

  /** Reports the record at `pos` as too long and starts skipping it; returns the new position (all of `buf` consumed). */
  private tooLong(out: CsvItem[], buf: string, pos: number): number {
    out.push({ line: this.line, reason: this.tooLongReason() });
    this.line += countLineBreaks(buf, pos, buf.length);
    this.skipping = true;
    this.skippingQuoted = false;
    return this.skipQuotes(buf, pos, buf.length);
  }

  /**
   * Skips to the end of an over-long record: the next line break outside quotes, tracking quotes as
   * a well-formed record has them, so the record ends where it would had it been read whole.
   * Returns the position after the record, or the end of `buf` when it goes on.
   */
  private skip(buf: string, pos: number): number {
    let i = pos;
    for (;;) {
      const nl = buf.indexOf('\n', i);
      const end = nl === -1 ? buf.length : nl;
      i = this.skipQuotes(buf, i, end);
      if (nl === -1) return buf.length;
      this.line++;
      if (!this.skippingQuoted) {
        this.skipping = false;
        return nl + 1;
      }
      i = nl + 1;
    }
  }

  /** Follows the quotes in buf[from, to) (each one toggles); returns `to`. */
  private skipQuotes(buf: string, from: number, to: number): number {
    for (let q = buf.indexOf('"', from); q !== -1 && q < to; q = buf.indexOf('"', q + 1)) this.skippingQuoted = !this.skippingQuoted;
    return to;
  }

  private tooLongReason(): string {
    return `the line is longer than ${this.maxRecordLength} characters`;
  }

  /** Parses the record at `pos`, which holds a quote somewhere; null when it continues past `buf`. */
  private parseQuoted(buf: string, pos: number, final: boolean): Parsed {
    const fields: string[] = [];
    const line = this.line;
    let i = pos;
    for (;;) {
      if (buf.charCodeAt(i) === 34) {
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = buf.indexOf('"', j);
          if (q === -1) return final ? { item: { line, reason: 'a quoted field is not closed before the end of the file' }, end: buf.length } : null;
          value += buf.slice(j, q);
          if (q + 1 >= buf.length && !final) return null;
          if (buf.charCodeAt(q + 1) === 34) {
            value += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        fields.push(value);
        const c = buf.charCodeAt(i);
        if (i >= buf.length) return { item: { line, fields }, end: i };
        if (c === 44) {
          i++;
          continue;
        }
        if (c === 10) return { item: { line, fields }, end: i + 1 };
        if (c === 13 && i + 1 >= buf.length && !final) return null;
        if (c === 13 && (i + 1 >= buf.length || buf.charCodeAt(i + 1) === 10)) return { item: { line, fields }, end: Math.min(i + 2, buf.length) };
        return this.fault(buf, i, final, `unexpected character after a closing quote (line ${line + countLineBreaks(buf, pos, i)})`);
      }
      const comma = buf.indexOf(',', i);
      const nl = buf.indexOf('\n', i);
      const quote = buf.indexOf('"', i);
      const stop = Math.min(comma === -1 ? Infinity : comma, nl === -1 ? Infinity : nl);
      if (quote !== -1 && quote < stop) return this.fault(buf, quote, final, 'a quote inside an unquoted field (quote the whole field and double the quote)');
      if (stop === Infinity) {
        if (!final) return null;
        fields.push(buf.slice(i));
        return { item: { line, fields }, end: buf.length };
      }
      if (stop === comma) {
        fields.push(buf.slice(i, comma));
        i = comma + 1;
        continue;
      }
      fields.push(buf.slice(i, nl > i && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl));
      return { item: { line, fields }, end: nl + 1 };
    }
  }

  /** A malformed record: reported at its first line, reading resumes after the next line break from `at`. */
  private fault(buf: string, at: number, final: boolean, reason: string): Parsed {
    const nl = buf.indexOf('\n', at);
    if (nl === -1 && !final) return null;
    return { item: { line: this.line, reason }, end: nl === -1 ? buf.length : nl + 1 };
  }
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
