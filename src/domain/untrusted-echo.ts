/**
 * What of a sender's own words weqs may repeat in a reply. A reply goes to whatever address the
 * email claims to be from, which may belong to someone else (backscatter), so it must not carry
 * an attacker's message: no links, no phone numbers, no email addresses and no long runs of text.
 */
import { clipLine } from './text-escaping.js';

/** The longest run of a sender's text a reply repeats (a subject or a name the sender typed). */
export const MAX_ECHO_LENGTH = 80;

const URL_LIKE = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S*|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:[a-z]{2,24})(?::\d+)?\/\S*|\b(?:[a-z0-9-]+\.)+(?:com|net|org|info|biz|io|co|uk|ru|cn|xyz|top|site|online|link|click|app|me|ly|gl|to)\b/giu;
const EMAIL_LIKE = /\S+@\S+/gu;
// Seven or more digits, allowing the spaces, dots, dashes and brackets phone numbers are written with.
const PHONE_LIKE = /\+?\(?\d(?:[\s().-]*\d){6,}/gu;

/** The sender's text on one line with links, addresses and numbers taken out, capped short. */
export function echoSafe(text: string, maxLength: number = MAX_ECHO_LENGTH): string {
  const cleaned = clipLine(text, 2000)
    .replace(EMAIL_LIKE, '[address removed]')
    .replace(URL_LIKE, '[link removed]')
    .replace(PHONE_LIKE, '[number removed]')
    .replace(/\s+/gu, ' ')
    .trim();
  return clipLine(cleaned, Math.min(maxLength, MAX_ECHO_LENGTH * 2));
}

/**
 * Whether a display name reads like a person's name, so "Hello Jo Bloggs," is safe to write.
 * Anything else ("Refund desk https://evil.example/r", "Call 0800 123 4567", a sentence) gets
 * the neutral "Hello,".
 */
export function isPlausiblePersonName(name: string): boolean {
  const trimmed = name.trim();
  if (trimmed === '' || [...trimmed].length > 60) return false;
  // Letters (any script), combining marks, spaces, hyphens, apostrophes and full stops only.
  if (!/^[\p{L}\p{M}][\p{L}\p{M}\s.'’-]*$/u.test(trimmed)) return false;
  // A full stop ends an initial or a title ("A. Patel", "Dr."); one inside a word is a domain.
  if (/\.[^\s]/u.test(trimmed)) return false;
  const words = trimmed.split(/\s+/u);
  return words.length <= 5 && words.every((word) => [...word].length <= 30);
}

/** Whether the text holds a link, an email address or a phone number: no organisation's name does. */
export function containsContactDetails(text: string): boolean {
  return [EMAIL_LIKE, URL_LIKE, PHONE_LIKE].some((pattern) => new RegExp(pattern.source, pattern.flags.replace('g', '')).test(text));
}
