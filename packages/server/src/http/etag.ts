/** The ETag of a version: a strong validator, `"<version>"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Whether an `If-Match` header allows a write to the given version: absent or `*` allows it, otherwise
 * one of its comma-separated strong tags must equal the version's ETag (weak tags never match, RFC 9110).
 */
export function ifMatchAllows(header: string | string[] | undefined, version: number): boolean {
  if (header === undefined) return true;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim());
  return tags.some((t) => t === '*' || t === etagOf(version));
}
