import { errors } from '../../errors.js';
import type { ImportFormat } from './read-upload.js';

const FORMATS: Record<string, ImportFormat> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' };

/** The media types an import accepts, for messages and the OpenAPI document. */
export const IMPORT_MEDIA_TYPES = Object.keys(FORMATS);

/** The format a Content-Type names; 415 for anything else, or for a charset other than UTF-8. */
export function uploadFormat(contentType: string | undefined): ImportFormat {
  const [essence = '', ...parameters] = (contentType ?? '').split(';');
  const format = FORMATS[essence.trim().toLowerCase()];
  const charset = parameters.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (!format || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    throw errors.unsupportedMediaType((contentType ?? 'none').slice(0, 100), 'text/csv or application/x-ndjson, in UTF-8');
  }
  return format;
}
