/** `WEQS-2026-0042`: prefix, year the request arrived (UK), sequence within that year. */
export function formatApplicationReference(prefix: string, year: number, sequence: number): string {
  return `${prefix}-${year}-${String(sequence).padStart(4, '0')}`;
}

/**
 * The reference of an existing application named in a subject, if any. Our replies carry it, so a
 * subject with one is correspondence about that application (for staff), never a new request.
 */
export function referenceInSubject(subject: string, prefix: string): string | undefined {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![A-Za-z0-9])${escaped}-\\d{4}-\\d{4,}(?![0-9])`, 'i').exec(subject)?.[0]?.toUpperCase();
}
