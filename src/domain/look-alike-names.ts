/**
 * Names written with look-alike letters: "Northshire Hospitаls" with a Cyrillic "а", "Νοrthshire"
 * with a Greek "Ν" and a Cyrillic "о". They read as a known organisation's name but are different
 * text, so without folding they would get a key of their own and a second application.
 *
 * Folding uses Unicode's confusables data (UTS #39, confusables.txt) as the `unhomoglyph` package
 * publishes it: every character that is not ASCII and that Unicode lists as confusable with ASCII
 * text is replaced by that text. ASCII itself is left alone (the data would turn "m" into "rn").
 * https://www.unicode.org/reports/tr39/#Confusable_Detection
 *
 * Scripts are checked as UTS #39's "highly restrictive" level does: one script, or Latin with Han
 * and the Japanese kana, with Han and Bopomofo, or with Han and Hangul. Anything else mixes
 * scripts, which real organisation names do not do.
 * https://www.unicode.org/reports/tr39/#Restriction_Level_Detection
 */
import unhomoglyph from 'unhomoglyph';
import { canonicalOrganisationName } from './organisation-name.js';

export interface LookAlikeCheck {
  /** The name with each look-alike character replaced by the ASCII it imitates. */
  folded: string;
  /** Folding changed the name as weqs compares names (its canonical form). */
  folds: boolean;
  /** The letters come from a combination of scripts no real name uses. */
  mixedScripts: boolean;
  /** Scripts of the name's letters, for staff. */
  scripts: string[];
}

const SCRIPTS: readonly (readonly [string, RegExp])[] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Han', /\p{Script=Han}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Katakana', /\p{Script=Katakana}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Bopomofo', /\p{Script=Bopomofo}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Bengali', /\p{Script=Bengali}/u],
  ['Gurmukhi', /\p{Script=Gurmukhi}/u],
  ['Gujarati', /\p{Script=Gujarati}/u],
  ['Tamil', /\p{Script=Tamil}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Thai', /\p{Script=Thai}/u],
];

const ALLOWED_MIXES: readonly ReadonlySet<string>[] = [new Set(['Latin', 'Han', 'Hiragana', 'Katakana']), new Set(['Latin', 'Han', 'Bopomofo']), new Set(['Latin', 'Han', 'Hangul'])];

const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;
const ASCII = /^\p{ASCII}$/u;

function scriptOf(char: string): string | undefined {
  if (!/[\p{L}\p{M}\p{N}]/u.test(char) || /[\p{Script=Common}\p{Script=Inherited}]/u.test(char)) return undefined;
  return SCRIPTS.find(([, pattern]) => pattern.test(char))?.[0] ?? 'Other';
}

export function foldConfusables(name: string): string {
  let folded = '';
  for (const char of name.normalize('NFC')) {
    if (ASCII.test(char)) {
      folded += char;
      continue;
    }
    const prototype = unhomoglyph(char);
    folded += prototype !== char && PRINTABLE_ASCII.test(prototype) ? prototype : char;
  }
  return folded;
}

export function checkLookAlike(name: string): LookAlikeCheck {
  const scripts = new Set<string>();
  for (const char of name.normalize('NFC')) {
    const script = scriptOf(char);
    if (script !== undefined) scripts.add(script);
  }
  const mixedScripts = scripts.size > 1 && !ALLOWED_MIXES.some((allowed) => [...scripts].every((script) => allowed.has(script)));
  const folded = foldConfusables(name);
  return { folded, folds: canonicalOrganisationName(folded) !== canonicalOrganisationName(name), mixedScripts, scripts: [...scripts].sort() };
}
