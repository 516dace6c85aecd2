/**
 * Which organisation a requested name belongs to, from NHS ODS reference data.
 *
 * One application per organisation is enforced on the key returned here, so a wrong answer either
 * locks an organisation out or hands it another organisation's folder. Resolution therefore only
 * follows evidence that cannot point at two organisations: an ODS code, the exact normal form of a
 * current or former name, the same name with a different legal suffix, and abbreviations that fit
 * exactly one trust. Everything else is "ambiguous" (ask the applicant for the code or postcode) or
 * "unresolved" (key by name, and give staff the look-alikes to check). Similarity scores are used
 * for that look-alike list only, never to resolve.
 */
import { directorySnapshot, parseDirectorySnapshot, type DirectorySnapshot } from './organisation-directory-snapshot.js';
import {
  GENERIC_WORDS,
  LEGAL_WORDS,
  ORGANISATION_WORDS,
  OrganisationNameIndex,
  SIMILARITY_SKIPPED_WORDS,
  acronymsOf,
  splitSuffix,
  suffixFamily,
  type Family,
  type NameEntry,
} from './organisation-name-index.js';
import { canonicalOrganisationName, extractIdentifiers, organisationNameKey } from './organisation-name.js';
import { normaliseCode, normaliseRecord, type OrganisationRecord, type Succession } from './organisation-record.js';
import { SuccessionGraph } from './organisation-succession.js';

export type MatchedBy = 'ods-code' | 'name' | 'former-name' | 'abbreviation' | 'postcode';

/**
 * - `same-name`: several organisations carry this name ("The Surgery").
 * - `split-succession`: the named organisation closed and was split between successors.
 * - `abbreviation`: the abbreviation fits several organisations ("UHB").
 * - `identifier-conflict`: the ODS code or postcode given does not belong to the named organisation.
 * - `several-identifiers`: ODS codes of different organisations were given.
 * - `same-postcode`: only a postcode was given and several organisations are there.
 * - `common-name`: one practice in the directory has this name, but it is made of words so common
 *   ("Manor Hospital", "Station House Surgery") that an organisation outside the directory may
 *   well have it too.
 */
export type AmbiguityReason =
  | 'same-name'
  | 'split-succession'
  | 'abbreviation'
  | 'identifier-conflict'
  | 'several-identifiers'
  | 'same-postcode'
  | 'common-name';

export type Disambiguator = 'ods-code' | 'postcode';

export type Resolution =
  | {
      kind: 'resolved';
      organisation: OrganisationRecord;
      /** `ods:<code>` of the organisation as it is today. */
      key: string;
      matchedBy: MatchedBy;
      /** The closed organisation the request named, when it has been succeeded. */
      succeededFrom?: OrganisationRecord;
      /** `ods:` keys of every organisation this one succeeded, to find applications made under them. */
      predecessorKeys: string[];
      /** The name key the request would have had unresolved, to find applications made before. */
      nameKey: string;
    }
  | {
      kind: 'ambiguous';
      reason: AmbiguityReason;
      /** Current organisations it could be, by ODS code; at most 25 (see candidateCount). */
      candidates: OrganisationRecord[];
      candidateCount: number;
      /** What to ask the applicant for: a postcode is offered only when it tells candidates apart. */
      disambiguateWith: Disambiguator[];
      nameKey: string;
    }
  | {
      kind: 'unresolved';
      /** The organisationNameKey of the requested name (identifiers removed). */
      key: string;
      nameKey: string;
      /** Close-but-different current organisations, for a "possible duplicate" alert; may be empty. */
      similar: OrganisationRecord[];
      /** Organisations with this very name that closed with no known successor. */
      closedMatches: OrganisationRecord[];
    };

export interface DirectoryOptions {
  /** The day whose organisations count as current; defaults to today (UTC). */
  asOf?: Date;
}

const MAX_CANDIDATES = 25;
// A practice name resolves on its own only if one of its distinctive words is used by at most
// this many organisation names: "Acklam Medical Centre" does, "Manor Hospital" does not (the RTT
// data has an independent Manor Hospital that is not the Walsall dental service of that name).
const COMMON_WORD_MIN_NAMES = 6;
const MAX_SIMILAR = 5;
const SIMILARITY_THRESHOLD = 0.5;

const LEADING_CODE = /^\s*(?<code>[A-Z][A-Z0-9]{2,4})(?:\s*[-\u2013:,])?\s+(?<rest>\S.*)$/su;
const TRAILING_CODE = /^(?<rest>.*\S)(?:\s*[-\u2013:,])?\s+(?<code>[A-Z][A-Z0-9]{2,4})\s*$/su;
// No organisation name comes near this; it bounds the work one request can cause.
const MAX_REQUEST_LENGTH = 1_000;

interface Candidate {
  matchedBy: MatchedBy;
  /** The closed organisation the name or code belonged to. */
  via?: string;
}

interface NameMatch {
  candidates: Map<string, Candidate>;
  closed: string[];
  reason: AmbiguityReason;
}

export class OrganisationDirectory {
  readonly asOf: string;
  private readonly records = new Map<string, OrganisationRecord>();
  private readonly successionList: Succession[];
  private readonly succession: SuccessionGraph;
  private readonly names = new OrganisationNameIndex();

  private constructor(records: readonly OrganisationRecord[], successions: readonly Succession[], asOf: string) {
    this.asOf = asOf;
    for (const input of records) {
      const record = normaliseRecord(input);
      if (this.records.has(record.odsCode)) throw new Error(`Duplicate ODS code in organisation directory: ${record.odsCode}`);
      this.records.set(record.odsCode, record);
    }
    this.successionList = successions.map((succession) => ({
      predecessorCode: normaliseCode(succession.predecessorCode),
      successorCode: normaliseCode(succession.successorCode),
      effectiveDate: succession.effectiveDate,
    }));
    this.succession = new SuccessionGraph(this.records, this.successionList, asOf);
    for (const record of this.records.values()) this.names.add(record, this.succession.isCurrent(record));
  }

  static build(records: OrganisationRecord[], successions: Succession[], options: DirectoryOptions = {}): OrganisationDirectory {
    return new OrganisationDirectory(records, successions, isoDate(options.asOf ?? new Date()));
  }

  /** The record held for a code, current or closed; case-insensitive. */
  get(odsCode: string): OrganisationRecord | undefined {
    return this.records.get(normaliseCode(odsCode));
  }

  get size(): number {
    return this.records.size;
  }

  /** Codes of the current organisations a code stands for today: itself, its successors, or none. */
  currentCodesFor(odsCode: string): string[] {
    return this.succession.currentCodesFor(normaliseCode(odsCode));
  }

  resolve(requestedName: string): Resolution {
    const text = String(requestedName);
    if (text.length > MAX_REQUEST_LENGTH) {
      const key = organisationNameKey(text);
      return { kind: 'unresolved', key, nameKey: key, similar: [], closedMatches: [] };
    }
    const resolution = this.resolveText(text);
    if (resolution.kind !== 'unresolved') return resolution;
    // "RXT Birmingham and Solihull Mental Health": an all-letter code is only taken from the edge
    // of a name, in capitals, when the name did not resolve with it read as a word, and only if
    // code and name then agree; otherwise it may just as well be a word ("REF Surgery").
    const edge = LEADING_CODE.exec(text) ?? TRAILING_CODE.exec(text);
    const code = edge?.groups?.code;
    if (edge === null || code === undefined || !this.records.has(code)) return resolution;
    const retried = this.resolveText(`${edge.groups?.rest ?? ''} (${code})`);
    return retried.kind === 'resolved' ? retried : resolution;
  }

  private resolveText(text: string): Resolution {
    const identifiers = extractIdentifiers(text, { isKnownCode: (code) => this.records.has(code) });
    const canonical = canonicalOrganisationName(identifiers.remainder);
    const nameKey = organisationNameKey(identifiers.remainder);
    const byName = canonical === '' ? undefined : this.matchName(canonical);

    if (identifiers.odsCodes.length > 0) return this.resolveWithCodes(identifiers.odsCodes, canonical, byName, nameKey);
    if (identifiers.postcodes.length > 0) return this.resolveWithPostcodes(identifiers.postcodes, canonical, byName, nameKey);
    if (byName === undefined || byName.candidates.size === 0) return this.unresolved(canonical, nameKey, byName?.closed ?? [], []);
    const [only] = byName.candidates.keys();
    if (byName.candidates.size === 1 && only !== undefined && this.isPractice(only) && this.isCommonName(canonical)) {
      return this.ambiguous([only], 'common-name', nameKey, ['ods-code', 'postcode']);
    }
    return this.fromCandidates(byName.candidates, byName.reason, nameKey);
  }

  private isPractice(code: string): boolean {
    const kind = this.records.get(code)?.kind;
    return kind === 'gp-practice' || kind === 'dental-practice';
  }

  private isCommonName(canonical: string): boolean {
    const distinctive = canonical.split(' ').filter((word) => !GENERIC_WORDS.has(word));
    return distinctive.every((word) => (this.names.codesUsingWord(word)?.length ?? 0) >= COMMON_WORD_MIN_NAMES);
  }

  toJSON(): DirectorySnapshot {
    return directorySnapshot(this.asOf, [...this.records.values()], this.successionList);
  }

  static fromJSON(json: unknown): OrganisationDirectory {
    const snapshot = parseDirectorySnapshot(json);
    return new OrganisationDirectory(snapshot.records, snapshot.successions, snapshot.asOf);
  }


  private matchName(canonical: string): NameMatch | undefined {
    const words = canonical.split(' ');
    const family = suffixFamily(words);
    const { core } = splitSuffix(words, family ?? 'trust');
    const bareNameAllowed = family === undefined && core.length >= 2 && core.some((word) => ORGANISATION_WORDS.has(word));
    const coreEntries = core.length > 0 && (family !== undefined || bareNameAllowed) ? this.names.coreMatches(family ?? 'trust', core) : undefined;

    const exact = this.names.exactMatches(canonical);
    if (exact !== undefined) {
      const match = this.collect(exact, 'name');
      if (family === undefined) {
        // "Dorset County Hospital" is both a dental practice's whole name and what people call a
        // trust; nothing says which one is meant.
        if (coreEntries === undefined) return match;
        const trust = this.collect(coreEntries, 'name');
        return { candidates: new Map([...trust.candidates, ...match.candidates]), closed: [...match.closed, ...trust.closed], reason: 'same-name' };
      }
      const bodies = this.onlyBodies(match, family);
      if (bodies !== undefined) return bodies;
      // Only practices carry this legal name: they are services of a trust (or ICB) that we may
      // still know by another form of its name, never an applicant by that name themselves.
    }

    if (coreEntries !== undefined) return this.collect(coreEntries, 'name');

    if (family === 'trust' && core.length > 0) {
      const abbreviated = this.names.abbreviations(core);
      if (abbreviated.length > 0) {
        const match = this.collect(abbreviated, 'abbreviation');
        if (match.candidates.size > 1) match.reason = 'abbreviation';
        return match;
      }
    }
    return undefined;
  }

  private collect(entries: readonly NameEntry[], tier: 'name' | 'abbreviation'): NameMatch {
    const candidates = new Map<string, Candidate>();
    const closed = new Set<string>();
    let split = false;
    for (const entry of entries) {
      const targets = this.succession.currentCodesFor(entry.code);
      if (targets.length === 0) closed.add(entry.code);
      if (targets.length > 1) split = true;
      for (const target of targets) {
        const direct = target === entry.code;
        const matchedBy: MatchedBy = tier === 'abbreviation' ? 'abbreviation' : direct && entry.via === 'name' ? 'name' : 'former-name';
        const existing = candidates.get(target);
        // A current name outranks a former one for the same organisation.
        if (existing === undefined || (existing.matchedBy === 'former-name' && matchedBy === 'name')) {
          candidates.set(target, direct ? { matchedBy } : { matchedBy, via: entry.code });
        }
      }
    }
    const distinctSources = new Set(entries.map((entry) => entry.code));
    const reason: AmbiguityReason = split && distinctSources.size === 1 ? 'split-succession' : 'same-name';
    return { candidates, closed: [...closed].sort(), reason };
  }

  /**
   * A name ending in "NHS Trust" or "Integrated Care Board" is the legal name of that kind of body.
   * ODS also lists some of a trust's services (community dental services, say) as practices under
   * the trust's name; those are part of it, not rival applicants. Undefined when only such
   * practices matched.
   */
  private onlyBodies(match: NameMatch, family: Family): NameMatch | undefined {
    if (match.candidates.size === 0) return match;
    const bodies = [...match.candidates.entries()].filter(([code]) => this.records.get(code)?.kind === family);
    if (bodies.length === 0) return undefined;
    return bodies.length === match.candidates.size ? match : { ...match, candidates: new Map(bodies) };
  }

  private resolveWithCodes(codes: readonly string[], canonical: string, byName: NameMatch | undefined, nameKey: string): Resolution {
    const known = codes.filter((code) => this.records.has(code));
    const nameCandidates = byName?.candidates ?? new Map<string, Candidate>();
    if (known.length < codes.length) {
      // A code we do not know next to a name we do is a contradiction, not a detail to drop.
      if (nameCandidates.size > 0) return this.ambiguous([...nameCandidates.keys()], 'identifier-conflict', nameKey, ['ods-code']);
      return this.unresolved(canonical, nameKey, byName?.closed ?? [], []);
    }

    const byCode = new Map<string, Candidate>();
    const closedCodes: string[] = [];
    for (const code of known) {
      const targets = this.succession.currentCodesFor(code);
      if (targets.length === 0) closedCodes.push(code);
      for (const target of targets) if (!byCode.has(target)) byCode.set(target, target === code ? { matchedBy: 'ods-code' } : { matchedBy: 'ods-code', via: code });
    }
    if (byCode.size === 0) return this.unresolved(canonical, nameKey, closedCodes, []);
    if (closedCodes.length > 0) return this.ambiguous([...byCode.keys()], 'identifier-conflict', nameKey, ['ods-code']);

    if (byCode.size > 1) {
      // "RW6 Northern Care Alliance": a split predecessor's code and one successor's name agree.
      const agreed = [...byCode.keys()].filter((code) => nameCandidates.has(code));
      const [only] = agreed;
      if (agreed.length === 1 && only !== undefined) return this.resolved(only, byCode.get(only) ?? { matchedBy: 'ods-code' }, nameKey);
      return this.ambiguous([...byCode.keys()], known.length > 1 ? 'several-identifiers' : 'split-succession', nameKey, ['ods-code']);
    }

    const [[target, candidate]] = [...byCode.entries()] as [[string, Candidate]];
    const agrees =
      canonical === '' ||
      nameCandidates.has(target) ||
      this.isOwnName(canonical, [target, ...(candidate.via === undefined ? [] : [candidate.via])]) ||
      (nameCandidates.size === 0 && this.nameFitsCode(canonical, target, candidate.via));
    if (agrees) {
      return this.resolved(target, candidate, nameKey);
    }
    return this.ambiguous([target, ...nameCandidates.keys()], 'identifier-conflict', nameKey, ['ods-code']);
  }

  /** "Wye Valley NHS Trust (V07270)": the code's own name, even where the name alone means the trust. */
  private isOwnName(canonical: string, codes: readonly string[]): boolean {
    return (this.names.exactMatches(canonical) ?? []).some((entry) => codes.includes(entry.code));
  }

  /**
   * Whether a name we could not match on its own is consistent with the code given beside it: each
   * word is one of the organisation's own words (or a shortening of one, "Hosps", "Teach"), or
   * only legal wording; or the name is an acronym of the organisation. "Leeds Teaching (RR8)"
   * fits; "Leeds Hospice (RR8)" and "Leeds Dental Practice (RR8)" do not.
   */
  private nameFitsCode(canonical: string, target: string, via: string | undefined): boolean {
    const words = canonical.split(' ');
    const { core } = splitSuffix(words, suffixFamily(words) ?? 'trust');
    const related = [target, ...(via === undefined ? [] : [via]), ...this.succession.predecessorsOf(target)];
    const vocabulary = new Set<string>();
    const acronyms = new Set<string>();
    for (const code of related) {
      const record = this.records.get(code);
      if (record === undefined) continue;
      for (const name of [record.name, ...(record.formerNames ?? [])]) {
        const recordWords = canonicalOrganisationName(name).split(' ');
        for (const word of recordWords) vocabulary.add(word);
        for (const acronym of acronymsOf(splitSuffix(recordWords, 'trust').core, recordWords)) acronyms.add(acronym);
      }
    }
    if (core.length === 1 && core[0] !== undefined && acronyms.has(core[0])) return true;
    const known = [...vocabulary];
    return words.every((word) => LEGAL_WORDS.has(word) || vocabulary.has(word) || known.some((full) => full.startsWith(word)));
  }

  private resolveWithPostcodes(postcodes: readonly string[], canonical: string, byName: NameMatch | undefined, nameKey: string): Resolution {
    const wanted = new Set(postcodes);
    if (canonical === '') {
      const here = [...new Set(postcodes.flatMap((postcode) => this.names.atPostcode(postcode) ?? []))].sort();
      const [only] = here;
      if (here.length === 1 && only !== undefined) return this.resolved(only, { matchedBy: 'postcode' }, nameKey);
      if (here.length > 1) return this.ambiguous(here, 'same-postcode', nameKey, ['ods-code']);
      return this.unresolved(canonical, nameKey, [], []);
    }
    if (byName === undefined || byName.candidates.size === 0) {
      return this.unresolved(canonical, nameKey, byName?.closed ?? [], postcodes);
    }

    const atPostcode = [...byName.candidates.entries()].filter(([code, candidate]) => this.hasPostcode(code, candidate.via, wanted));
    if (byName.candidates.size === 1) {
      const [[code, candidate]] = [...byName.candidates.entries()] as [[string, Candidate]];
      const record = this.records.get(code);
      // A practice is one place: a different postcode means a different practice or a mistake.
      // Trusts have many sites, so their headquarters postcode proves nothing either way.
      const isPractice = record?.kind === 'gp-practice' || record?.kind === 'dental-practice';
      if (isPractice && record?.postcode !== undefined && atPostcode.length === 0) {
        return this.ambiguous([code], 'identifier-conflict', nameKey, ['ods-code']);
      }
      return this.resolved(code, candidate, nameKey);
    }
    const [first] = atPostcode;
    if (atPostcode.length === 1 && first !== undefined) return this.resolved(first[0], { ...first[1], matchedBy: 'postcode' }, nameKey);
    if (atPostcode.length > 1) return this.ambiguous(atPostcode.map(([code]) => code), byName.reason, nameKey, ['ods-code']);
    return this.ambiguous([...byName.candidates.keys()], byName.reason, nameKey, ['ods-code']);
  }

  private hasPostcode(code: string, via: string | undefined, wanted: ReadonlySet<string>): boolean {
    const own = this.records.get(code)?.postcode;
    const predecessor = via === undefined ? undefined : this.records.get(via)?.postcode;
    return (own !== undefined && wanted.has(own)) || (predecessor !== undefined && wanted.has(predecessor));
  }

  private fromCandidates(candidates: Map<string, Candidate>, reason: AmbiguityReason, nameKey: string): Resolution {
    const [only] = candidates.entries();
    if (candidates.size === 1 && only !== undefined) return this.resolved(only[0], only[1], nameKey);
    return this.ambiguous([...candidates.keys()], reason, nameKey);
  }

  private resolved(code: string, candidate: Candidate, nameKey: string): Resolution {
    const organisation = this.records.get(code);
    if (organisation === undefined) throw new Error(`Organisation directory lost record ${code}`);
    const succeededFrom = candidate.via === undefined ? undefined : this.records.get(candidate.via);
    return {
      kind: 'resolved',
      organisation,
      key: `ods:${code}`,
      matchedBy: candidate.matchedBy,
      ...(succeededFrom === undefined ? {} : { succeededFrom }),
      predecessorKeys: this.succession.predecessorsOf(code).map((predecessor) => `ods:${predecessor}`),
      nameKey,
    };
  }

  private ambiguous(codes: readonly string[], reason: AmbiguityReason, nameKey: string, offered?: Disambiguator[]): Resolution {
    const records = [...new Set(codes)]
      .sort()
      .map((code) => this.records.get(code))
      .filter((record): record is OrganisationRecord => record !== undefined);
    return {
      kind: 'ambiguous',
      reason,
      candidates: records.slice(0, MAX_CANDIDATES),
      candidateCount: records.length,
      disambiguateWith: offered ?? (reason === 'same-name' && postcodeSeparates(records) ? ['ods-code', 'postcode'] : ['ods-code']),
      nameKey,
    };
  }

  private unresolved(canonical: string, nameKey: string, closedCodes: readonly string[], postcodes: readonly string[]): Resolution {
    return {
      kind: 'unresolved',
      key: nameKey,
      nameKey,
      similar: canonical === '' ? [] : this.similar(canonical, postcodes),
      closedMatches: closedCodes.map((code) => this.records.get(code)).filter((record): record is OrganisationRecord => record !== undefined),
    };
  }

  /** Look-alikes for a staff alert: never used to resolve. */
  private similar(canonical: string, postcodes: readonly string[]): OrganisationRecord[] {
    const words = canonical.split(' ');
    const requested = new Set(words.filter((word) => !SIMILARITY_SKIPPED_WORDS.has(word)));
    const scores = new Map<string, number>();
    const note = (code: string, score: number): void => {
      for (const target of this.succession.currentCodesFor(code)) scores.set(target, Math.max(scores.get(target) ?? 0, score));
    };

    // Rare words first; very common ones ("surgery", "dental") only narrow nothing down.
    const candidates = new Set<string>();
    const byRarity = [...requested]
      .map((word) => [word, this.names.codesUsingWord(word)] as const)
      .filter((entry): entry is readonly [string, string[]] => entry[1] !== undefined)
      .sort((a, b) => a[1].length - b[1].length);
    for (const [, codes] of byRarity.slice(0, 3)) {
      if (codes.length > 300) break;
      for (const code of codes) candidates.add(code);
    }
    const total = this.records.size;
    // A word no organisation uses is most often a typing shortcut or a slip, so it counts for less
    // than the rarest real word would.
    const weight = (word: string): number => {
      const frequency = this.names.codesUsingWord(word)?.length ?? 0;
      return frequency === 0 ? Math.log(1 + total / 2) / 2 : Math.log(1 + total / (1 + frequency));
    };
    for (const code of candidates) {
      let best = 0;
      for (const form of this.names.nameForms(code) ?? []) best = Math.max(best, weightedOverlap([...requested], form, weight));
      if (best >= SIMILARITY_THRESHOLD) note(code, best);
    }

    // Abbreviations that could not be trusted to resolve are still worth showing.
    const family = suffixFamily(words);
    const { core } = splitSuffix(words, family ?? 'trust');
    for (const entry of this.names.abbreviations(core)) note(entry.code, 0.9);
    const coreEntries = this.names.coreMatches('trust', core) ?? this.names.coreMatches('icb', core) ?? [];
    for (const entry of coreEntries) note(entry.code, 1);
    for (const postcode of postcodes) {
      for (const code of this.names.atPostcode(postcode) ?? []) if (scores.has(code)) scores.set(code, (scores.get(code) ?? 0) + 1);
    }

    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, MAX_SIMILAR)
      .map(([code]) => this.records.get(code))
      .filter((record): record is OrganisationRecord => record !== undefined);
  }
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}


/**
 * Weighted Jaccard over distinctive words, where a typed shortening counts as what it shortens:
 * "Coll" for "College", "IC" for "Integrated Care". Only ever used to list look-alikes for staff.
 */
function weightedOverlap(requested: readonly string[], known: readonly string[], weight: (word: string) => number): number {
  const used = new Set<number>();
  let shared = 0;
  let union = 0;
  const free = (index: number): boolean => !used.has(index);
  for (const word of requested) {
    let partners = [known.findIndex((candidate, index) => free(index) && candidate === word)];
    if (partners[0] === -1 && word.length >= 2) {
      partners = [known.findIndex((candidate, index) => free(index) && candidate.startsWith(word))];
    }
    if (partners[0] === -1 && word.length >= 2) partners = initialsRun(word, known, free);
    if (partners.length === 0 || partners[0] === -1) {
      union += weight(word);
      continue;
    }
    for (const index of partners) {
      used.add(index);
      const partner = known[index] ?? '';
      shared += weight(partner);
      union += weight(partner);
    }
  }
  for (const [index, word] of known.entries()) if (free(index)) union += weight(word);
  return union === 0 ? 0 : shared / union;
}

function initialsRun(word: string, known: readonly string[], free: (index: number) => boolean): number[] {
  for (let start = 0; start + word.length <= known.length; start += 1) {
    const run = Array.from({ length: word.length }, (_, offset) => start + offset);
    if (run.every((index, offset) => free(index) && known[index]?.[0] === word[offset])) return run;
  }
  return [];
}

function postcodeSeparates(records: readonly OrganisationRecord[]): boolean {
  if (records.length < 2 || records.some((record) => record.postcode === undefined)) return false;
  const counts = new Map<string, number>();
  for (const record of records) if (record.postcode !== undefined) counts.set(record.postcode, (counts.get(record.postcode) ?? 0) + 1);
  return [...counts.values()].some((count) => count === 1);
}
