import { StringDecoder } from 'node:string_decoder';
import { errors } from '../../errors.js';
import { LIMITS } from '../schemas.js';
import type { AudienceUser } from '../store.js';
import { CsvReader, type CsvItem, type LineProblem } from './csv-records.js';
import { LineReader, type LineItem } from './ndjson-lines.js';
import { readCsvHeader, userFromCsv, userFromJson, type Column } from './user-lines.js';

/** The formats an import accepts, by their media type. */
export type ImportFormat = 'csv' | 'ndjson';

/** A user read from a line, or why the line is rejected. */
export type UserItem = { line: number; user: AudienceUser } | LineProblem;

/** Turns decoded text into users, keeping state between pieces. */
interface UserParser {
  push(text: string): UserItem[];
  end(text: string): UserItem[];
}

/**
 * Reads an upload piece by piece, yielding the users (and rejected lines) of each piece, so the
 * caller's writes pace the reading and memory holds one piece at a time. Throws 400 VALIDATION for
 * an unusable CSV header (before anything is yielded) and 413 once more than `byteLimit` bytes arrive.
 */
export async function* readUploadedUsers(body: AsyncIterable<Buffer | string>, format: ImportFormat, byteLimit: number): AsyncGenerator<UserItem[]> {
  // Invalid UTF-8 becomes U+FFFD, which the line checks reject with a clear reason.
  const decoder = new StringDecoder('utf8');
  const parser = format === 'csv' ? csvParser() : ndjsonParser();
  let bytes = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > byteLimit) throw errors.payloadTooLarge(byteLimit);
    const items = parser.push(decoder.write(buffer));
    if (items.length > 0) yield items;
  }
  yield parser.end(decoder.end());
}

function csvParser(): UserParser {
  const reader = new CsvReader(LIMITS.lineLength);
  let columns: Column[] | undefined;
  const convert = (records: CsvItem[]): UserItem[] => {
    const items: UserItem[] = [];
    for (const record of records) {
      if (!('fields' in record)) {
        if (!columns) throw errors.validation([{ path: 'header', message: `line ${record.line}: ${record.reason}` }]);
        items.push(record);
        continue;
      }
      if (!columns) {
        const header = readCsvHeader(record.fields);
        if ('problems' in header) throw errors.validation(header.problems);
        columns = header.columns;
        continue;
      }
      const user = userFromCsv(columns, record.fields);
      items.push(typeof user === 'string' ? { line: record.line, reason: user } : { line: record.line, user });
    }
    return items;
  };
  return {
    push(text) {
      const records: CsvItem[] = [];
      reader.push(text, records);
      return convert(records);
    },
    end(text) {
      const records: CsvItem[] = [];
      reader.push(text, records);
      reader.end(records);
      const items = convert(records);
      if (!columns) throw errors.validation([{ path: 'header', message: 'the file is empty: expected a header row starting with customer_id' }]);
      return items;
    },
  };
}

function ndjsonParser(): UserParser {
  const reader = new LineReader(LIMITS.lineLength);
  const convert = (lines: LineItem[]): UserItem[] =>
    lines.map((line) => {
      if (!('text' in line)) return line;
      const user = userFromJson(line.text);
      return typeof user === 'string' ? { line: line.line, reason: user } : { line: line.line, user };
    });
  return {
    push(text) {
      const lines: LineItem[] = [];
      reader.push(text, lines);
      return convert(lines);
    },
    end(text) {
      const lines: LineItem[] = [];
      reader.push(text, lines);
      reader.end(lines);
      return convert(lines);
    },
  };
}
