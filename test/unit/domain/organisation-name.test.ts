import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalOrganisationName,
  extractIdentifiers,
  normalisePostcode,
  organisationNameKey,
} from '../../../src/domain/organisation-name.js';

// Words that the normal form rewrites or drops: kept out of generated names so that a generated
// variation cannot change the words themselves.
const RESERVED = new Set([
  'the', 'and', 'ft', 'tr', 'nhsft', 'nhstrust', 'univ', 'uni', 'hosp', 'hosps', 'saint', 'street', 'st', 'ctr', 'cntr',
  'center', 'pract', 'dept', 'ltd', 'icb', 'ccg', 'foundation', 'care', 'health', 'h', 'nhs', 'trust',
]);
const word = fc
  .string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 2, maxLength: 10 })
  .filter((candidate) => !RESERVED.has(candidate));
const words = fc.array(word, { minLength: 1, maxLength: 6 });
const anyText = fc.string({ unit: 'binary', maxLength: 300 });
const SAFE_KEY = /^name:[a-z0-9_~-]+$/;

describe('canonicalOrganisationName', () => {
  it.each([
    ['LEEDS TEACHING HOSPITALS NHS TRUST', 'leeds teaching hospitals nhs trust'],
    ["Guy's And St Thomas' NHS Foundation Trust", 'guys and st thomas nhs foundation trust'],
    ['GUY\u2019S & ST. THOMAS\u2019 NHS FT', 'guys and st thomas nhs foundation trust'],
    ['Guys and Saint Thomas NHSFT', 'guys and st thomas nhs foundation trust'],
    ['The Christie NHS Foundation Trust', 'christie nhs foundation trust'],
    ['THE QUEEN ELIZABETH HOSPITAL, KING\'S LYNN, NHS FOUNDATION TRUST', 'queen elizabeth hospital kings lynn nhs foundation trust'],
    ['Aintree Uni. Hosp NHS FT', 'aintree university hospital nhs foundation trust'],
    ['NORTHUMBRIA H/CARE NHS FT', 'northumbria healthcare nhs foundation trust'],
    ['Hinchingbrooke Health Care NHS Trust', 'hinchingbrooke healthcare nhs trust'],
    ['ROTHERHAM NHS FOUNDATION', 'rotherham nhs foundation trust'],
    ['Stoke-on-Trent', 'stoke on trent'],
    ['ST MARYS N.H.S. TRUST', 'st marys nhs trust'],
    ['VERNON STREET MEDICAL CTR', 'vernon st medical centre'],
    ['NHS West Yorkshire ICB', 'nhs west yorkshire integrated care board'],
    ['Ysbyty Gwynedd — Caerdydd (Cardiff)', 'ysbyty gwynedd caerdydd cardiff'],
    ['Société Médicale', 'societe medicale'],
    ['', ''],
    ['  ?!  ', ''],
  ])('normalises %j to %j', (name, expected) => {
    expect(canonicalOrganisationName(name)).toBe(expected);
  });

  it.each([
    ['East London NHS Foundation Trust', 'North East London NHS Foundation Trust'],
    ['Royal United Hospital Bath', 'Royal United Hospitals Bath'],
    ['Leeds Teaching Hospitals NHS Trust', 'Leeds Teaching Hospitals NHS Foundation Trust'],
    ['Birmingham Women\'s NHS Foundation Trust', "Birmingham Women's and Children's NHS Foundation Trust"],
    ['Essex Partnership University NHS Trust', 'Essex University Partnership NHS Trust'],
    ['The Surgery', 'The Dental Surgery'],
  ])('keeps %j and %j apart', (a, b) => {
    expect(canonicalOrganisationName(a)).not.toBe(canonicalOrganisationName(b));
    expect(organisationNameKey(a)).not.toBe(organisationNameKey(b));
  });

  it('is idempotent on arbitrary text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = canonicalOrganisationName(text);
        expect(canonicalOrganisationName(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent on name-like text', () => {
    const nameLike = fc
      .array(fc.constantFrom('The', 'the', 'St', 'Saint', 'NHS', 'FT', 'nhsft', 'Trust', '&', 'and', 'a', 'b', 'H', 'h/care', 'Uni.', 'Hosp', 'health', 'care', 'Foundation', "Guy's", 'N.H.S.', 'tr', 'x'), { maxLength: 12 })
      .map((parts) => parts.join(' '));
    fc.assert(
      fc.property(nameLike, (text) => {
        const once = canonicalOrganisationName(text);
        expect(canonicalOrganisationName(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('ignores case', () => {
    fc.assert(
      fc.property(words, fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), (parts, flips) => {
        const name = parts.join(' ');
        const mixed = [...name].map((char, index) => (flips[index % flips.length] ? char.toUpperCase() : char)).join('');
        expect(canonicalOrganisationName(mixed)).toBe(canonicalOrganisationName(name));
      }),
    );
  });

  it('ignores whitespace and punctuation between words', () => {
    const separator = fc.constantFrom(' ', '  ', '\t', '\n', ' - ', ', ', '. ', ' / ', ' (', ') ', '_', '\u00A0', '\u2013', '|');
    fc.assert(
      fc.property(words, fc.array(separator, { minLength: 7, maxLength: 7 }), (parts, separators) => {
        const spaced = separators[0] + parts.map((part, index) => part + (separators[index + 1] ?? ' ')).join('');
        expect(canonicalOrganisationName(spaced)).toBe(parts.join(' '));
      }),
    );
  });

  it('ignores "&" versus "and", a leading "The" and apostrophes', () => {
    fc.assert(
      fc.property(words, words, fc.boolean(), fc.nat(), (left, right, leadingThe, at) => {
        const plain = `${left.join(' ')} and ${right.join(' ')}`;
        const target = left[at % left.length] ?? '';
        const withApostrophe = left.map((part) => (part === target ? `${part.slice(0, 1)}'${part.slice(1)}` : part));
        const varied = `${leadingThe ? 'The ' : ''}${withApostrophe.join(' ')} & ${right.join(' ')}`;
        expect(canonicalOrganisationName(varied)).toBe(canonicalOrganisationName(plain));
      }),
    );
  });

  it('treats the spellings of the legal suffixes and of St, Univ and Hosp alike', () => {
    const suffix = fc.constantFrom('NHS Foundation Trust', 'NHS FT', 'NHSFT', 'nhs f.t.', 'N.H.S. Foundation Trust', 'NHS Foundation');
    const saint = fc.constantFrom('St', 'St.', 'Saint', 'ST');
    const university = fc.constantFrom('University', 'Univ', 'Univ.', 'Uni');
    const hospital = fc.constantFrom('Hospital', 'Hosp', 'Hosp.');
    fc.assert(
      fc.property(words, saint, university, hospital, suffix, (parts, st, univ, hosp, legal) => {
        const reference = canonicalOrganisationName(`Saint ${parts.join(' ')} University Hospital NHS Foundation Trust`);
        expect(canonicalOrganisationName(`${st} ${parts.join(' ')} ${univ} ${hosp} ${legal}`)).toBe(reference);
      }),
    );
  });

  it('never throws on arbitrary unicode', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(() => canonicalOrganisationName(text)).not.toThrow();
        expect(() => organisationNameKey(text)).not.toThrow();
        expect(() => extractIdentifiers(text)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('organisationNameKey', () => {
  it('prefixes the hyphenated canonical name', () => {
    expect(organisationNameKey('Leeds Teaching Hospitals NHS Trust')).toBe('name:leeds-teaching-hospitals-nhs-trust');
    expect(organisationNameKey("LEEDS teaching hospitals, N.H.S. trust")).toBe('name:leeds-teaching-hospitals-nhs-trust');
  });

  it('is always a safe Azure Table key of at most 200 characters', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.string({ unit: 'binary', minLength: 150, maxLength: 2000 })), (text) => {
        const key = organisationNameKey(text);
        expect(key).toMatch(SAFE_KEY);
        expect(key.length).toBeLessThanOrEqual(200);
        expect(key).not.toMatch(/[/\\#?]/);
        expect([...key].every((char) => char.charCodeAt(0) > 0x1f && (char.charCodeAt(0) < 0x7f || char.charCodeAt(0) > 0x9f))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('is the same for names with the same canonical form, and only for them', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const sameCanonical = canonicalOrganisationName(a) === canonicalOrganisationName(b);
        if (canonicalOrganisationName(a) !== '') expect(organisationNameKey(a) === organisationNameKey(b)).toBe(sameCanonical);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps non-Latin names apart instead of collapsing them to nothing', () => {
    expect(organisationNameKey('医院')).not.toBe(organisationNameKey('診療所'));
    expect(organisationNameKey('医院')).toMatch(SAFE_KEY);
  });

  it('hashes the tail of very long names so different long names stay different', () => {
    const stem = 'very long organisation name '.repeat(10);
    const a = organisationNameKey(`${stem} alpha`);
    const b = organisationNameKey(`${stem} beta`);
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(200);
    expect(organisationNameKey(`${stem} alpha`)).toBe(a);
  });

  it('does not give every unnameable request the same key', () => {
    expect(organisationNameKey('???')).toMatch(SAFE_KEY);
    expect(organisationNameKey('???')).not.toBe(organisationNameKey('!!!'));
    expect(organisationNameKey('???')).toBe(organisationNameKey('???'));
  });
});

describe('normalisePostcode', () => {
  it.each([
    ['ls1 4ap', 'LS1 4AP'],
    ['LS14AP', 'LS1 4AP'],
    [' sw1a  1aa ', 'SW1A 1AA'],
    ['M1 1AE', 'M1 1AE'],
    ['B82005', undefined],
    ['RR8', undefined],
  ])('reads %j as %j', (text, expected) => {
    expect(normalisePostcode(text)).toBe(expected);
  });
});

describe('extractIdentifiers', () => {
  it.each([
    ['The Surgery (B82005)', ['B82005'], [], 'The Surgery'],
    ['The Surgery, LS1 4AP', [], ['LS1 4AP'], 'The Surgery'],
    ['The Surgery, ls14ap', [], ['LS1 4AP'], 'The Surgery'],
    ['RR8 Leeds Teaching Hospitals', ['RR8'], [], 'Leeds Teaching Hospitals'],
    ['Bradford Teaching Hospitals (RAE)', ['RAE'], [], 'Bradford Teaching Hospitals'],
    ['Bradford Teaching Hospitals - ODS code: RAE', ['RAE'], [], 'Bradford Teaching Hospitals'],
    ['North London NHS FT [G6V2S]', ['G6V2S'], [], 'North London NHS FT'],
    ['The Surgery, Postcode: TS18 1HU, ODS A81001', ['A81001'], ['TS18 1HU'], 'The Surgery'],
    ['RAE Bradford', [], [], 'RAE Bradford'],
    ['Code Red Surgery', [], [], 'Code Red Surgery'],
    ['Leeds Teaching Hospitals NHS Trust', [], [], 'Leeds Teaching Hospitals NHS Trust'],
  ])('finds the identifiers in %j', (text, odsCodes, postcodes, remainder) => {
    expect(extractIdentifiers(text)).toEqual({ odsCodes, postcodes, remainder });
  });

  it('takes a postcode district for a postcode, not for a trust code, when the inward part follows', () => {
    expect(extractIdentifiers('Romford Surgery RM3 0AB')).toEqual({ odsCodes: [], postcodes: ['RM3 0AB'], remainder: 'Romford Surgery' });
  });

  it('leaves a bracketed word that is not a known code in the name', () => {
    const isKnownCode = (code: string) => code === 'RAE';
    expect(extractIdentifiers('Westcotes GP Surgery (TWO)', { isKnownCode }).remainder).toBe('Westcotes GP Surgery (TWO)');
    expect(extractIdentifiers('Bradford Teaching Hospitals (RAE)', { isKnownCode }).odsCodes).toEqual(['RAE']);
    // A code with digits is a code whether or not it is known.
    expect(extractIdentifiers('New Practice (Y99999)', { isKnownCode }).odsCodes).toEqual(['Y99999']);
  });

  it('reports each identifier once', () => {
    expect(extractIdentifiers('RR8 Leeds (RR8), LS9 7TF LS9 7TF').odsCodes).toEqual(['RR8']);
    expect(extractIdentifiers('RR8 Leeds (RR8), LS9 7TF LS9 7TF').postcodes).toEqual(['LS9 7TF']);
  });
});
