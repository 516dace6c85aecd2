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
import { z } from 'zod';
import { canonicalOrganisationName, extractIdentifiers, normalisePostcode, organisationNameKey } from './organisation-name.js';

export type OrganisationKind = 'trust' | 'icb' | 'gp-practice' | 'dental-practice';

export interface OrganisationRecord {
  odsCode: string;
  name: string;
  kind: OrganisationKind;
  postcode?: string;
  /** ISO date (YYYY-MM-DD). */
  openDate?: string;
  /** ISO date (YYYY-MM-DD): the last day the organisation existed, as ODS publishes it. */
  closeDate?: string;
  /** Names the organisation has been known by under the same code. */
  formerNames?: string[];
}

export interface Succession {
  predecessorCode: string;
  successorCode: string;
  /** ISO date (YYYY-MM-DD). */
  effectiveDate: string;
}

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
const ORGANISATION_WORDS: ReadonlySet<string> = new Set([
  'hospital', 'hospitals', 'health', 'healthcare', 'care', 'university', 'teaching', 'partnership',
  'community', 'ambulance', 'mental', 'childrens', 'womens', 'orthopaedic', 'cancer', 'eye', 'heart',
  'chest', 'infirmary', 'services', 'service', 'integrated',
]);

// Words that say what kind of organisation it is rather than which one.
const GENERIC_WORDS: ReadonlySet<string> = new Set([
  ...ORGANISATION_WORDS,
  'nhs', 'foundation', 'trust', 'board', 'medical', 'centre', 'centres', 'surgery', 'surgeries', 'practice',
  'practices', 'dental', 'clinic', 'group', 'limited', 'department', 'primary', 'family', 'partners',
  'and', 'of', 'for', 'in', 'on', 'at', 'upon',
]);
// Wording that any organisation's name may carry or drop without becoming another organisation.
const LEGAL_WORDS: ReadonlySet<string> = new Set(['nhs', 'foundation', 'trust', 'and', 'of', 'for', 'in', 'on', 'at', 'upon']);
const ACRONYM_SKIPPED_WORDS: ReadonlySet<string> = new Set(['and', 'of', 'for', 'in', 'on', 'at', 'upon']);
const SIMILARITY_SKIPPED_WORDS: ReadonlySet<string> = new Set(['nhs', 'foundation', 'trust', 'and', 'of', 'for', 'in', 'on', 'at', 'upon']);

type Family = 'trust' | 'icb';
type NameVia = 'name' | 'former-name';

interface NameEntry {
  code: string;
  via: NameVia;
}

interface TrustNameForm {
  code: string;
  via: NameVia;
  core: readonly string[];
}

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
  private readonly successors = new Map<string, Succession[]>();
  private readonly predecessors = new Map<string, string[]>();
  private readonly successionList: Succession[];
  private readonly targetCache = new Map<string, string[]>();
  private readonly exactIndex = new Map<string, NameEntry[]>();
  private readonly coreIndex = new Map<string, NameEntry[]>();
  private readonly acronymIndex = new Map<string, NameEntry[]>();
  private readonly trustForms: TrustNameForm[] = [];
  private readonly postcodeIndex = new Map<string, string[]>();
  private readonly tokenIndex = new Map<string, string[]>();
  private readonly recordTokens = new Map<string, string[][]>();

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
    for (const succession of this.successionList) {
      if (succession.effectiveDate > asOf) continue;
      pushTo(this.successors, succession.predecessorCode, succession);
      pushTo(this.predecessors, succession.successorCode, succession.predecessorCode);
    }
    for (const record of this.records.values()) this.index(record);
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
    return this.targets(normaliseCode(odsCode));
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
    return distinctive.every((word) => (this.tokenIndex.get(word)?.length ?? 0) >= COMMON_WORD_MIN_NAMES);
  }

  toJSON(): DirectorySnapshot {
    return {
      format: SNAPSHOT_FORMAT,
      version: 1,
      asOf: this.asOf,
      records: [...this.records.values()],
      successions: this.successionList,
    };
  }

  static fromJSON(json: unknown): OrganisationDirectory {
    const snapshot = snapshotSchema.parse(json);
    return new OrganisationDirectory(snapshot.records, snapshot.successions, snapshot.asOf);
  }

  private isCurrent(record: OrganisationRecord): boolean {
    return record.closeDate === undefined || record.closeDate >= this.asOf;
  }

  private targets(code: string): string[] {
    const cached = this.targetCache.get(code);
    if (cached !== undefined) return cached;
    const found = new Set<string>();
    const visited = new Set<string>();
    const walk = (current: string): void => {
      if (visited.has(current)) return;
      visited.add(current);
      const record = this.records.get(current);
      if (record !== undefined && this.isCurrent(record)) {
        found.add(current);
        return;
      }
      for (const succession of this.successors.get(current) ?? []) walk(succession.successorCode);
    };
    walk(code);
    const result = [...found].sort();
    this.targetCache.set(code, result);
    return result;
  }

  private predecessorCodes(code: string): string[] {
    const found = new Set<string>();
    const pending = [...(this.predecessors.get(code) ?? [])];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (found.has(next) || next === code) continue;
      found.add(next);
      pending.push(...(this.predecessors.get(next) ?? []));
    }
    return [...found].sort();
  }

  private index(record: OrganisationRecord): void {
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
    if (record.postcode !== undefined && this.isCurrent(record)) pushTo(this.postcodeIndex, record.postcode, record.odsCode);
  }

  private matchName(canonical: string): NameMatch | undefined {
    const words = canonical.split(' ');
    const family = suffixFamily(words);
    const { core } = splitSuffix(words, family ?? 'trust');
    const bareNameAllowed = family === undefined && core.length >= 2 && core.some((word) => ORGANISATION_WORDS.has(word));
    const coreEntries = core.length > 0 && (family !== undefined || bareNameAllowed) ? this.coreIndex.get(`${family ?? 'trust'}:${core.join('')}`) : undefined;

    const exact = this.exactIndex.get(canonical);
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
      const abbreviated = this.abbreviationEntries(core);
      if (abbreviated.length > 0) {
        const match = this.collect(abbreviated, 'abbreviation');
        if (match.candidates.size > 1) match.reason = 'abbreviation';
        return match;
      }
    }
    return undefined;
  }

  private abbreviationEntries(core: readonly string[]): NameEntry[] {
    const [only] = core;
    if (core.length === 1 && only !== undefined && only.length >= 3) return this.acronymIndex.get(only) ?? [];
    if (core.length < 2) return [];
    return this.trustForms.filter((form) => isTokenwiseAbbreviation(core, form.core));
  }

  private collect(entries: readonly NameEntry[], tier: 'name' | 'abbreviation'): NameMatch {
    const candidates = new Map<string, Candidate>();
    const closed = new Set<string>();
    let split = false;
    for (const entry of entries) {
      const targets = this.targets(entry.code);
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
      const targets = this.targets(code);
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
    return (this.exactIndex.get(canonical) ?? []).some((entry) => codes.includes(entry.code));
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
    const related = [target, ...(via === undefined ? [] : [via]), ...this.predecessorCodes(target)];
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
      const here = [...new Set(postcodes.flatMap((postcode) => this.postcodeIndex.get(postcode) ?? []))].sort();
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
      predecessorKeys: this.predecessorCodes(code).map((predecessor) => `ods:${predecessor}`),
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
      for (const target of this.targets(code)) scores.set(target, Math.max(scores.get(target) ?? 0, score));
    };

    // Rare words first; very common ones ("surgery", "dental") only narrow nothing down.
    const candidates = new Set<string>();
    const byRarity = [...requested]
      .map((word) => [word, this.tokenIndex.get(word)] as const)
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
      const frequency = this.tokenIndex.get(word)?.length ?? 0;
      return frequency === 0 ? Math.log(1 + total / 2) / 2 : Math.log(1 + total / (1 + frequency));
    };
    for (const code of candidates) {
      let best = 0;
      for (const form of this.recordTokens.get(code) ?? []) best = Math.max(best, weightedOverlap([...requested], form, weight));
      if (best >= SIMILARITY_THRESHOLD) note(code, best);
    }

    // Abbreviations that could not be trusted to resolve are still worth showing.
    const family = suffixFamily(words);
    const { core } = splitSuffix(words, family ?? 'trust');
    for (const entry of this.abbreviationEntries(core)) note(entry.code, 0.9);
    const coreEntries = this.coreIndex.get(`trust:${core.join('')}`) ?? this.coreIndex.get(`icb:${core.join('')}`) ?? [];
    for (const entry of coreEntries) note(entry.code, 1);
    for (const postcode of postcodes) {
      for (const code of this.postcodeIndex.get(postcode) ?? []) if (scores.has(code)) scores.set(code, (scores.get(code) ?? 0) + 1);
    }

    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, MAX_SIMILAR)
      .map(([code]) => this.records.get(code))
      .filter((record): record is OrganisationRecord => record !== undefined);
  }
}

const SNAPSHOT_FORMAT = 'weqs.organisation-directory';

export interface DirectorySnapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: 1;
  asOf: string;
  records: OrganisationRecord[];
  successions: Succession[];
}

const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const codeSchema = z.string().trim().min(1).max(16).regex(/^[A-Za-z0-9]+$/);
const recordSchema = z.strictObject({
  odsCode: codeSchema,
  name: z.string().min(1).max(500),
  kind: z.enum(['trust', 'icb', 'gp-practice', 'dental-practice']),
  postcode: z.string().max(16).optional(),
  openDate: isoDateSchema.optional(),
  closeDate: isoDateSchema.optional(),
  formerNames: z.array(z.string().min(1).max(500)).optional(),
});
const snapshotSchema = z.strictObject({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(1),
  asOf: isoDateSchema,
  records: z.array(recordSchema),
  successions: z.array(z.strictObject({ predecessorCode: codeSchema, successorCode: codeSchema, effectiveDate: isoDateSchema })),
});

function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

function normaliseRecord(record: OrganisationRecord): OrganisationRecord {
  const postcode = record.postcode === undefined ? undefined : normalisePostcode(record.postcode) ?? record.postcode.trim().toUpperCase();
  const formerNames = record.formerNames?.filter((name) => name.trim() !== '' && name !== record.name);
  return {
    odsCode: normaliseCode(record.odsCode),
    name: record.name,
    kind: record.kind,
    ...(postcode === undefined || postcode === '' ? {} : { postcode }),
    ...(record.openDate === undefined ? {} : { openDate: record.openDate }),
    ...(record.closeDate === undefined ? {} : { closeDate: record.closeDate }),
    ...(formerNames === undefined || formerNames.length === 0 ? {} : { formerNames: [...new Set(formerNames)] }),
  };
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
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

function suffixFamily(words: readonly string[]): Family | undefined {
  if (endsWith(words, ICB_SUFFIX)) return 'icb';
  if (TRUST_SUFFIXES.some((suffix) => endsWith(words, suffix))) return 'trust';
  return undefined;
}

/** The words that say which organisation, without the legal suffix (and an ICB's leading "NHS"). */
function splitSuffix(words: readonly string[], family: Family): { core: string[] } {
  if (family === 'icb') {
    const withoutSuffix = endsWith(words, ICB_SUFFIX) ? words.slice(0, -ICB_SUFFIX.length) : [...words];
    return { core: withoutSuffix[0] === 'nhs' ? withoutSuffix.slice(1) : withoutSuffix };
  }
  const suffix = TRUST_SUFFIXES.find((candidate) => endsWith(words, candidate));
  return { core: suffix === undefined ? [...words] : words.slice(0, words.length - suffix.length) };
}

/** "LTHT", "GSTT", "ELFT", "UHCW": initials, with the trust's own T or FT as people write them. */
function acronymsOf(core: readonly string[], words: readonly string[]): string[] {
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
