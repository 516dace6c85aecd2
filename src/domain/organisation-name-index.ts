/**
 * The organisation directory's name indexes: every current and former name in its normal form,
 * trust and ICB names without their legal suffix, the abbreviations people write for trusts
 * ("LTHT"), postcodes, and the distinctive words of each name (for look-alikes). Also the word
 * rules those indexes and the resolver share: which endings are legal wording, which words say
 * what kind of organisation a name is rather than which one.
 */
import { canonicalOrganisationName } from './organisation-name.js';
import type { OrganisationRecord } from './organisation-record.js';

const TRUST_SUFFIXES: readonly (readonly string[])[] = [
  ['nhs', 'foundation', 'trust'],
  ['foundation', 'trust'],
  ['nhs', 'trust'],
  ['trust'],
  ['nhs'],
];
const ICB_SUFFIX: readonly string[] = ['integrated', 'care', 'board'];

// A suffix-less name is matched to a trust only if it says what kind of body it is: "Leeds Teaching
// Hospitals" and "Mersey Care" do, "North Bristol" or "Royal Surrey" could be anything there.
export const ORGANISATION_WORDS: ReadonlySet<string> = new Set([
  'hospital', 'hospitals', 'health', 'healthcare', 'care', 'university', 'teaching', 'partnership',
  'community', 'ambulance', 'mental', 'childrens', 'womens', 'orthopaedic', 'cancer', 'eye', 'heart',
  'chest', 'infirmary', 'services', 'service', 'integrated',
]);

// Words that say what kind of organisation it is rather than which one.
export const GENERIC_WORDS: ReadonlySet<string> = new Set([
  ...ORGANISATION_WORDS,
  'nhs', 'foundation', 'trust', 'board', 'medical', 'centre', 'centres', 'surgery', 'surgeries', 'practice',
  'practices', 'dental', 'clinic', 'group', 'limited', 'department', 'primary', 'family', 'partners',
  'and', 'of', 'for', 'in', 'on', 'at', 'upon',
]);
// Wording that any organisation's name may carry or drop without becoming another organisation.
export const LEGAL_WORDS: ReadonlySet<string> = new Set(['nhs', 'foundation', 'trust', 'and', 'of', 'for', 'in', 'on', 'at', 'upon']);
const ACRONYM_SKIPPED_WORDS: ReadonlySet<string> = new Set(['and', 'of', 'for', 'in', 'on', 'at', 'upon']);
export const SIMILARITY_SKIPPED_WORDS: ReadonlySet<string> = new Set(['nhs', 'foundation', 'trust', 'and', 'of', 'for', 'in', 'on', 'at', 'upon']);

export type Family = 'trust' | 'icb';
export type NameVia = 'name' | 'former-name';

/** An organisation a name points at, and whether it is the current or a former name. */
export interface NameEntry {
  code: string;
  via: NameVia;
}

interface TrustNameForm {
  code: string;
  via: NameVia;
  core: readonly string[];
}

export class OrganisationNameIndex {
  private readonly exactIndex = new Map<string, NameEntry[]>();
  private readonly coreIndex = new Map<string, NameEntry[]>();
  private readonly acronymIndex = new Map<string, NameEntry[]>();
  private readonly trustForms: TrustNameForm[] = [];
  private readonly postcodeIndex = new Map<string, string[]>();
  private readonly tokenIndex = new Map<string, string[]>();
  private readonly recordTokens = new Map<string, string[][]>();

  /** Indexes a record's names; its postcode only while it is current (`isCurrent`). */
  add(record: OrganisationRecord, isCurrent: boolean): void {
    const names: [string, NameVia][] = [[record.name, 'name'], ...(record.formerNames ?? []).map((name): [string, NameVia] => [name, 'former-name'])];
    const forms: string[][] = [];
    for (const [name, via] of names) {
      const canonical = canonicalOrganisationName(name);
      if (canonical === '') continue;
      const words = canonical.split(' ');
      pushTo(this.exactIndex, canonical, { code: record.odsCode, via });
      const form: string[] = [];
      for (const word of words) if (!SIMILARITY_SKIPPED_WORDS.has(word) && !form.includes(word)) form.push(word);
      forms.push(form);
      if (record.kind === 'trust') {
        const { core } = splitSuffix(words, 'trust');
        if (core.length === 0) continue;
        pushTo(this.coreIndex, `trust:${core.join('')}`, { code: record.odsCode, via });
        this.trustForms.push({ code: record.odsCode, via, core });
        for (const acronym of acronymsOf(core, words)) pushTo(this.acronymIndex, acronym, { code: record.odsCode, via });
      } else if (record.kind === 'icb') {
        const { core } = splitSuffix(words, 'icb');
        if (core.length > 0) pushTo(this.coreIndex, `icb:${core.join('')}`, { code: record.odsCode, via });
      }
    }
    this.recordTokens.set(record.odsCode, forms);
    for (const form of forms) {
      for (const token of form) {
        const codes = this.tokenIndex.get(token);
        if (codes === undefined) this.tokenIndex.set(token, [record.odsCode]);
        else if (codes[codes.length - 1] !== record.odsCode) codes.push(record.odsCode);
      }
    }
    if (record.postcode !== undefined && isCurrent) pushTo(this.postcodeIndex, record.postcode, record.odsCode);
  }

  /** Organisations with exactly this canonical name, current or former. */
  exactMatches(canonical: string): readonly NameEntry[] | undefined {
    return this.exactIndex.get(canonical);
  }

  /** Trusts (or ICBs) whose name without its legal suffix is `core`. */
  coreMatches(family: Family, core: readonly string[]): readonly NameEntry[] | undefined {
    return this.coreIndex.get(`${family}:${core.join('')}`);
  }

  /** Codes of the current organisations at a normalised postcode. */
  atPostcode(postcode: string): readonly string[] | undefined {
    return this.postcodeIndex.get(postcode);
  }

  /** Codes of the organisations one of whose names uses this distinctive word. */
  codesUsingWord(word: string): readonly string[] | undefined {
    return this.tokenIndex.get(word);
  }

  /** The distinctive words of each of an organisation's names. */
  nameForms(code: string): readonly string[][] | undefined {
    return this.recordTokens.get(code);
  }

  /** Trusts this core could abbreviate: an acronym ("LTHT"), or word by word ("Croydon H Serv"). */
  abbreviations(core: readonly string[]): NameEntry[] {
    const [only] = core;
    if (core.length === 1 && only !== undefined && only.length >= 3) return this.acronymIndex.get(only) ?? [];
    if (core.length < 2) return [];
    return this.trustForms.filter((form) => isTokenwiseAbbreviation(core, form.core));
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function endsWith(words: readonly string[], suffix: readonly string[]): boolean {
  if (suffix.length > words.length) return false;
  return suffix.every((word, index) => words[words.length - suffix.length + index] === word);
}

export function suffixFamily(words: readonly string[]): Family | undefined {
  if (endsWith(words, ICB_SUFFIX)) return 'icb';
  if (TRUST_SUFFIXES.some((suffix) => endsWith(words, suffix))) return 'trust';
  return undefined;
}

/** The words that say which organisation, without the legal suffix (and an ICB's leading "NHS"). */
export function splitSuffix(words: readonly string[], family: Family): { core: string[] } {
  if (family === 'icb') {
    const withoutSuffix = endsWith(words, ICB_SUFFIX) ? words.slice(0, -ICB_SUFFIX.length) : [...words];
    return { core: withoutSuffix[0] === 'nhs' ? withoutSuffix.slice(1) : withoutSuffix };
  }
  const suffix = TRUST_SUFFIXES.find((candidate) => endsWith(words, candidate));
  return { core: suffix === undefined ? [...words] : words.slice(0, words.length - suffix.length) };
}

/** "LTHT", "GSTT", "ELFT", "UHCW": initials, with the trust's own T or FT as people write them. */
export function acronymsOf(core: readonly string[], words: readonly string[]): string[] {
  const initials = core.filter((word) => !ACRONYM_SKIPPED_WORDS.has(word)).map((word) => word[0] ?? '').join('');
  if (initials.length < 2) return [];
  const acronyms = [initials, `${initials}t`];
  if (endsWith(words, ['foundation', 'trust'])) acronyms.push(`${initials}ft`);
  return acronyms.filter((acronym) => acronym.length >= 3);
}

/**
 * "Croydon H Serv" for "Croydon Health Services": same number of words, each the same or a
 * shortening of the word in that place, at least one shortened, and at least one distinctive word
 * spelled out in full so that a string of initials alone cannot match.
 */
function isTokenwiseAbbreviation(requested: readonly string[], known: readonly string[]): boolean {
  if (requested.length !== known.length) return false;
  let shortened = 0;
  let anchored = false;
  for (const [index, word] of requested.entries()) {
    const full = known[index];
    if (full === undefined) return false;
    if (word === full) {
      if (word.length >= 3 && !GENERIC_WORDS.has(word)) anchored = true;
    } else if (full.startsWith(word)) shortened += 1;
    else return false;
  }
  return shortened > 0 && anchored;
}
