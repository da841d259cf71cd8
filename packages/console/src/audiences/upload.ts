import { ApiError, tokenStore, type FieldError, type Schemas } from '../shared/api';

export type ImportResult = Schemas['AudienceImportResult'];

/** The import's Content-Type from the file name: `.ndjson` / `.jsonl` are NDJSON, anything else CSV (as the CLI decides). */
export function importContentType(fileName: string): 'text/csv' | 'application/x-ndjson' {
  return /\.(ndjson|jsonl)$/i.test(fileName) ? 'application/x-ndjson' : 'text/csv';
}

/**
 * Streams a file to `POST /audiences/{id}/import`. XMLHttpRequest, not fetch, because only it
 * reports upload progress in every browser; `onProgress` gets the fraction of bytes sent.
 */
export function uploadAudienceFile(audienceId: string, file: File, onProgress: (fraction: number) => void): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/audiences/${encodeURIComponent(audienceId)}/import`);
    const token = tokenStore.get();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', importContentType(file.name));
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'the upload failed (network error)'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status === 200) {
        onProgress(1);
        resolve(body as ImportResult);
        return;
      }
      const error = (body as { error?: { code?: string; message?: string; details?: FieldError[] } } | undefined)?.error;
      reject(new ApiError(xhr.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `${xhr.status} ${xhr.statusText}`, error?.details ?? []));
    };
    xhr.send(file);
  });
}
