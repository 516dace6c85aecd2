import { createHash } from 'node:crypto';

/**
 * A fixed-length, key-safe stand-in for a value from email (a message id, an organisation key, a
 * subject): table keys may not contain / \ # ? or control characters and are limited to 1 KiB,
 * and intent names are built from these values too.
 */
export function keyDigest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}
