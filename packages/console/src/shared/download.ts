import { send } from './api';

/** Downloads an authenticated attachment (the token is a header, so a plain link cannot). */
export async function downloadAttachment(url: string, fallbackName: string): Promise<string> {
  const response = await send('GET', url);
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}
