import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifySubject, MAX_ORGANISATION_NAME_LENGTH } from '../../../src/domain/request-subject.js';
import type { SubjectClassification } from '../../../src/domain/request-subject.js';
import { nhsReferenceFiles } from '../../support/nhs-reference.js';

const TEMPLATE = 'Work Experience Quality Standard';

const request = (organisationName: string): SubjectClassification => ({ kind: 'request', organisationName });
const missingName: SubjectClassification = { kind: 'request-without-organisation', reason: 'missing-name' };
const placeholderName: SubjectClassification = { kind: 'request-without-organisation', reason: 'placeholder-name' };
const unusableName: SubjectClassification = { kind: 'request-without-organisation', reason: 'unusable-name' };
const notARequest: SubjectClassification = { kind: 'not-a-request' };

describe('classifySubject', () => {
  describe('the subject as the web page asks for it', () => {
    it('accepts the template with the name in square brackets', () => {
      expect(classifySubject('Work Experience Quality Standard – [Leeds Teaching Hospitals NHS Trust]')).toEqual(
        request('Leeds Teaching Hospitals NHS Trust'),
      );
    });

    it('accepts the template with the name and no brackets', () => {
      expect(classifySubject('Work Experience Quality Standard – Leeds Teaching Hospitals NHS Trust')).toEqual(
        request('Leeds Teaching Hospitals NHS Trust'),
      );
    });
  });

  describe('separators', () => {
    it.each([
      ['a hyphen instead of an en dash', 'Work Experience Quality Standard - Acme Trust'],
      ['an em dash', 'Work Experience Quality Standard — Acme Trust'],
      ['a minus sign', 'Work Experience Quality Standard \u2212 Acme Trust'],
      ['a figure dash', 'Work Experience Quality Standard \u2012 Acme Trust'],
      ['a horizontal bar', 'Work Experience Quality Standard \u2015 Acme Trust'],
      ['a fullwidth hyphen-minus', 'Work Experience Quality Standard \uFF0D Acme Trust'],
      ['a colon', 'Work Experience Quality Standard: Acme Trust'],
      ['a colon and a hyphen', 'Work Experience Quality Standard :- Acme Trust'],
      ['an en dash without spaces', 'Work Experience Quality Standard–Acme Trust'],
      ['a hyphen without spaces', 'Work Experience Quality Standard-Acme Trust'],
      ['repeated separators with stray spaces', 'Work Experience Quality Standard - -  – Acme Trust'],
      ['a double hyphen', 'Work Experience Quality Standard -- Acme Trust'],
      ['an en dash followed by a colon', 'Work Experience Quality Standard –: Acme Trust'],
    ])('accepts %s', (_label, subject) => {
      expect(classifySubject(subject)).toEqual(request('Acme Trust'));
    });

    it('accepts a bracketed name with only a space after the phrase', () => {
      expect(classifySubject('Work Experience Quality Standard [Acme Trust]')).toEqual(request('Acme Trust'));
    });

    it('leaves a name after the phrase with no separator to people, since it is more often a question than a request', () => {
      expect(classifySubject('Work Experience Quality Standard Acme Trust')).toEqual(notARequest);
      expect(classifySubject('Work Experience Quality Standard deadline query')).toEqual(notARequest);
      expect(classifySubject('Work Experience Quality Standard, Acme Trust')).toEqual(notARequest);
      expect(classifySubject('Work Experience Quality Standard (Acme Trust)')).toEqual(notARequest);
    });

    it('keeps separators that are inside the name', () => {
      expect(classifySubject('Work Experience Quality Standard – NEWMEDICA - BRISTOL - LITFIELD HOUSE')).toEqual(
        request('NEWMEDICA - BRISTOL - LITFIELD HOUSE'),
      );
      expect(classifySubject('Work Experience Quality Standard: University Hospitals of North Midlands: Stoke-on-Trent')).toEqual(
        request('University Hospitals of North Midlands: Stoke-on-Trent'),
      );
    });
  });

  describe('reply, forward and gateway prefixes', () => {
    it.each(['RE:', 'Re:', 're:', 'FW:', 'Fw:', 'Fwd:', 'FWD:', 'RE :', 'Fwd :', 'RE[2]:', 'RE：'])('accepts a leading %s', (prefix) => {
      expect(classifySubject(`${prefix} ${TEMPLATE} – Acme Trust`)).toEqual(request('Acme Trust'));
    });

    it('accepts repeated and mixed reply and forward prefixes, with or without spaces', () => {
      expect(classifySubject('RE: FW: Re:Fwd:RE : Work Experience Quality Standard – Acme Trust')).toEqual(request('Acme Trust'));
      expect(classifySubject('RE:RE:RE:Work Experience Quality Standard – Acme Trust')).toEqual(request('Acme Trust'));
    });

    it.each(['[EXTERNAL]', '[External]', '[ EXTERNAL ]', 'EXTERNAL:', 'External :', '[EXTERNAL EMAIL]', '[EXT]', '[secure]', '[SECURE]', 'OFFICIAL:', '[OFFICIAL-SENSITIVE]', 'CAUTION: External:'])(
      'accepts a leading mail gateway tag %s',
      (tag) => {
        expect(classifySubject(`${tag} ${TEMPLATE} – Acme Trust`)).toEqual(request('Acme Trust'));
        expect(classifySubject(`${tag}${TEMPLATE} – Acme Trust`)).toEqual(request('Acme Trust'));
      },
    );

    it('accepts gateway tags interleaved with replies, as each mail hop adds its own', () => {
      expect(classifySubject('[EXTERNAL] RE: [EXTERNAL] RE: Work Experience Quality Standard – Acme Trust')).toEqual(
        request('Acme Trust'),
      );
      expect(classifySubject('RE: EXTERNAL: Work Experience Quality Standard – Acme Trust')).toEqual(request('Acme Trust'));
    });

    it('removes a gateway tag that ends up after the name', () => {
      expect(classifySubject('Work Experience Quality Standard – Acme Trust [secure]')).toEqual(request('Acme Trust'));
      expect(classifySubject('Work Experience Quality Standard – [Acme Trust] [EXTERNAL]')).toEqual(request('Acme Trust'));
    });

    it('does not take the organisation placeholder for a gateway tag', () => {
      expect(classifySubject('[health organisation name] Work Experience Quality Standard')).toEqual(notARequest);
      expect(classifySubject('[Acme Trust] Work Experience Quality Standard')).toEqual(notARequest);
    });

    it('leaves messages tagged by an unknown gateway rule to people', () => {
      expect(classifySubject('[SPAM] Work Experience Quality Standard – Acme Trust')).toEqual(notARequest);
      expect(classifySubject('[SUSPICIOUS] Work Experience Quality Standard – Acme Trust')).toEqual(notARequest);
    });

    it.each([
      'Automatic reply:',
      'Auto-Reply:',
      'Undeliverable:',
      'Out of Office:',
      'Accepted:',
      'Declined:',
      'Tentative:',
      'Read:',
      'Not read:',
      'Recall:',
      'Delivery Status Notification (Failure)',
      'Re: Automatic reply:',
      '[EXTERNAL] Out of Office:',
    ])('never treats %s as a request', (prefix) => {
      expect(classifySubject(`${prefix} ${TEMPLATE} – Acme Trust`)).toEqual(notARequest);
    });
  });

  describe('the phrase', () => {
    it.each([
      ['lower case', 'work experience quality standard – Acme Trust'],
      ['upper case', 'WORK EXPERIENCE QUALITY STANDARD – Acme Trust'],
      ['mixed case', 'wORK eXperience QUALITY standard – Acme Trust'],
      ['several spaces', 'Work   Experience  Quality    Standard   –   Acme Trust'],
      ['non-breaking spaces', 'Work\u00A0Experience\u00A0Quality\u00A0Standard\u00A0–\u00A0Acme Trust'],
      ['narrow and ideographic spaces', 'Work\u202FExperience\u3000Quality Standard – Acme Trust'],
      ['tabs', 'Work\tExperience\tQuality\tStandard\t–\tAcme Trust'],
      ['folded lines', 'Work Experience\r\n Quality Standard –\r\n\tAcme Trust'],
      ['zero-width characters', '\u200BWork\u200B Experience\uFEFF Quality\u200D Standard\u2060 – Acme Trust'],
      ['zero-width characters instead of spaces', 'Work\u200BExperience\u200BQuality\u200BStandard – Acme Trust'],
      ['leading and trailing whitespace', '  \t Work Experience Quality Standard – Acme Trust \n '],
      ['a plural', 'Work Experience Quality Standards – Acme Trust'],
    ])('accepts %s', (_label, subject) => {
      expect(classifySubject(subject)).toEqual(request('Acme Trust'));
    });

    it.each([
      ['application', 'Work Experience Quality Standard application - Acme Trust'],
      ['application form', 'Work Experience Quality Standard Application Form – Acme Trust'],
      ['request', 'Work Experience Quality Standard Request: Acme Trust'],
      ['application form after the separator', 'Work Experience Quality Standard – application form – Acme Trust'],
      ['application before a bracketed name', 'Work Experience Quality Standard application [Acme Trust]'],
    ])('accepts the optional words "%s"', (_label, subject) => {
      expect(classifySubject(subject)).toEqual(request('Acme Trust'));
    });

    it('keeps an optional word that begins the name', () => {
      expect(classifySubject('Work Experience Quality Standard – Request Health Partnership')).toEqual(
        request('Request Health Partnership'),
      );
    });

    it.each([
      ['the phrase is not at the start', 'Question about the Work Experience Quality Standard – Acme Trust'],
      ['the phrase is part of a longer word', 'Work Experience Quality Standardisation – Acme Trust'],
      ['the phrase is incomplete', 'Work Experience Quality – Acme Trust'],
      ['the words are in another order', 'Quality Standard Work Experience – Acme Trust'],
      ['the subject is empty', ''],
      ['the subject is whitespace', ' \t\u00A0\u200B '],
      ['the subject is a question', 'Work Experience Quality Standard?'],
      ['it is an award announcement', 'Work Experience Quality Standard award – Acme Trust'],
    ])('is not a request when %s', (_label, subject) => {
      expect(classifySubject(subject)).toEqual(notARequest);
    });

    it('is not a request when there is no subject', () => {
      expect(classifySubject(null)).toEqual(notARequest);
      expect(classifySubject(undefined)).toEqual(notARequest);
    });
  });

  describe('requests without a usable organisation', () => {
    it.each([
      'Work Experience Quality Standard',
      'Work Experience Quality Standard –',
      'Work Experience Quality Standard - ',
      'Work Experience Quality Standard:',
      'Work Experience Quality Standard.',
      'RE: Work Experience Quality Standard',
      'Work Experience Quality Standard – []',
      'Work Experience Quality Standard – [ ]',
      'Work Experience Quality Standard – .',
      'Work Experience Quality Standard application form',
      'Work Experience Quality Standard – application form',
      'Work Experience Quality Standard [secure]',
      'Work Experience Quality Standard – \u200B',
    ])('reports a missing name for %j', (subject) => {
      expect(classifySubject(subject)).toEqual(missingName);
    });

    it.each([
      '[health organisation name]',
      'health organisation name',
      '[Health Organisation Name]',
      'HEALTH ORGANISATION NAME',
      '[health organization name]',
      '[organisation name]',
      '<organisation name>',
      '<Health Organisation Name>',
      '{organisation name}',
      '(organisation name)',
      '"health organisation name"',
      '[healthcare organisation name]',
      '[ health  organisation name ]',
      '[insert organisation name]',
      '[your organisation name]',
      '[name of organisation]',
      '[trust name]',
      '[NHS Trust name]',
      '[organisation]',
      '[name]',
      'XXX',
      '[health organisation name].',
    ])('reports the placeholder %j', (name) => {
      expect(classifySubject(`${TEMPLATE} – ${name}`)).toEqual(placeholderName);
    });

    it.each([
      ['punctuation only', '***'],
      ['question marks only', '???'],
      ['an emoji only', '🏥'],
      ['brackets only', '()'],
      ['symbols only', '& / \\ <>'],
      ['a name one character too long', 'A'.repeat(MAX_ORGANISATION_NAME_LENGTH + 1)],
      ['a very long name', 'Acme Trust '.repeat(1000)],
    ])('reports an unusable name made of %s', (_label, name) => {
      expect(classifySubject(`${TEMPLATE} – ${name}`)).toEqual(unusableName);
    });

    it('accepts a name of exactly the maximum length, counted in characters not code units', () => {
      const latin = 'A'.repeat(MAX_ORGANISATION_NAME_LENGTH);
      const astral = '𝔄'.repeat(MAX_ORGANISATION_NAME_LENGTH);
      expect(classifySubject(`${TEMPLATE} – ${latin}`)).toEqual(request(latin));
      expect(classifySubject(`${TEMPLATE} – ${astral}`)).toEqual(request(astral));
    });
  });

  describe('cleaning the organisation name', () => {
    it.each([
      ['a trailing full stop', 'Acme Trust.', 'Acme Trust'],
      ['trailing punctuation and spaces', 'Acme Trust ;, . ', 'Acme Trust'],
      ['a full stop after the brackets', '[Acme Trust].', 'Acme Trust'],
      ['spaces inside the brackets', '[  Acme Trust  ]', 'Acme Trust'],
      ['doubled brackets', '[[Acme Trust]]', 'Acme Trust'],
      ['an unclosed bracket', '[Acme Trust', 'Acme Trust'],
      ['an unopened bracket', 'Acme Trust]', 'Acme Trust'],
      ['a trailing separator', 'Acme Trust –', 'Acme Trust'],
      ['repeated inner spaces', 'Acme    Trust', 'Acme Trust'],
      ['inner tabs and non-breaking spaces', 'Acme\t\u00A0 Trust', 'Acme Trust'],
      ['zero-width characters', 'Ac\u200Bme\u200C Tr\u200Dust\uFEFF', 'Acme Trust'],
      ['bidi overrides and isolates', '\u202EAcme\u202C \u2066Trust\u2069\u200E', 'Acme Trust'],
      ['control characters', 'Acme\u0000\u0007 Trust\u007F\u009F', 'Acme Trust'],
      ['a soft hyphen', 'Ac\u00ADme Trust', 'Acme Trust'],
    ])('removes %s', (_label, name, expected) => {
      expect(classifySubject(`${TEMPLATE} – ${name}`)).toEqual(request(expected));
    });

    it.each([
      ['parentheses', 'Acme Trust (RR8)'],
      ['an ampersand', 'Royal Brompton & Harefield NHS Foundation Trust'],
      ['apostrophes, including a final one', "Guy's and St Thomas'"],
      ['inner full stops and commas', 'The Queen Elizabeth Hospital, King\'s Lynn, NHS Foundation Trust'],
      ['an abbreviation with a full stop inside', 'St. Helens and Knowsley'],
      ['square brackets around part of the name', 'Acme [RR8] Trust'],
      ['square brackets at the end of the name', 'Acme Trust [RR8]'],
      ['square brackets around separate parts', '[Acme] [Trust]'],
      ['a slash', 'SOLENT NHS TRUST T/A MEDINA HEALTHCARE'],
      ['a leading digit', '5 Boroughs Partnership NHS Foundation Trust'],
      ['the case as typed', 'ACME trust'],
    ])('keeps %s', (_label, name) => {
      expect(classifySubject(`${TEMPLATE} – ${name}`)).toEqual(request(name));
    });

    it('composes decomposed accents (NFC)', () => {
      const decomposed = 'Ysbyty Gwynedd Caerdydd a\u0302 Bro\u0302'.normalize('NFD');
      const result = classifySubject(`${TEMPLATE} – ${decomposed}`);
      expect(result).toEqual(request('Ysbyty Gwynedd Caerdydd â Brô'));
    });

    it('composes an accent separated from its letter by a zero-width character', () => {
      expect(classifySubject(`${TEMPLATE} – Gw\u200B\u0302ynedd`)).toEqual(request('Gŵynedd'));
    });
  });

  describe('hostile and unusual names', () => {
    it.each([
      ['markup', '<script>alert("x")</script> Trust'],
      ['an image tag', '<img src=x onerror=alert(1)>'],
      ['a path traversal', '../../etc/passwd'],
      ['backslashes', '..\\..\\Windows\\System32'],
      ['double quotes', '"Acme" Trust'],
      ['SharePoint-reserved characters', 'Acme: * ? | # % Trust'],
      ['a formula', '=HYPERLINK("http://example.com")'],
      ['an SQL fragment', "Acme'; DROP TABLE claims;-- Trust"],
    ])('keeps %s as text', (_label, name) => {
      expect(classifySubject(`${TEMPLATE} – ${name}`)).toEqual(request(name));
    });

    it.each([
      ['Welsh', 'Bwrdd Iechyd Prifysgol Betsi Cadwaladr'],
      ['Welsh with circumflexes', 'Ymddiriedolaeth GIG Gwasanaethau Ambiwlans Cymru – Ysbyty Ŵyr'],
      ['Irish', 'Feidhmeannacht na Seirbhíse Sláinte'],
      ['Greek', 'Νοσοκομείο Αθηνών'],
      ['Cyrillic', 'Больница №1'],
      ['Arabic', 'مستشفى الملك فيصل التخصصي'],
      ['Hebrew', 'בית החולים הדסה'],
      ['Chinese', '香港醫院管理局'],
      ['Devanagari', 'अखिल भारतीय आयुर्विज्ञान संस्थान'],
      ['Japanese', '東京大学医学部附属病院'],
    ])('keeps a %s name', (_label, name) => {
      expect(classifySubject(`${TEMPLATE} – [${name}]`)).toEqual(request(name));
    });

    // Sized so that linear work takes milliseconds and quadratic work would take minutes.
    it('classifies long runs of separators, punctuation, prefixes and brackets quickly', () => {
      const started = performance.now();
      expect(classifySubject(`${TEMPLATE} – ${'[-. '.repeat(25_000)}`).kind).toBe('request-without-organisation');
      expect(classifySubject(`${TEMPLATE} – A${' .'.repeat(50_000)}B`).kind).toBe('request-without-organisation');
      expect(classifySubject(`RE: ${'RE:'.repeat(30_000)} ${TEMPLATE}`)).toEqual(missingName);
      expect(classifySubject(`${TEMPLATE} – ${'['.repeat(30_000)}Acme${']'.repeat(30_000)}`).kind).toBe(
        'request-without-organisation',
      );
      expect(classifySubject(`${TEMPLATE} – Acme${' [secure'.repeat(30_000)}]`).kind).toBe('request-without-organisation');
      expect(performance.now() - started).toBeLessThan(1_000);
    });

    it('survives lone surrogates and removes them', () => {
      expect(classifySubject(`${TEMPLATE} – Acme\uD800 Trust\uDC00`)).toEqual(request('Acme Trust'));
    });
  });

  describe('properties', () => {
    it('returns the organisation name however the template is decorated', () => {
      fc.assert(
        fc.property(organisationName(), decoration(), (name, dressUp) => {
          expect(classifySubject(dressUp(name))).toEqual(request(name.normalize('NFC')));
        }),
        { numRuns: 2_000 },
      );
    });

    it('returns the clean name when invisible characters and extra spacing are typed into it', () => {
      const noises = fc.array(invisibleNoise(), { minLength: MAX_ORGANISATION_NAME_LENGTH, maxLength: MAX_ORGANISATION_NAME_LENGTH });
      fc.assert(
        fc.property(organisationName(), decoration(), noises, (name, dressUp, noise) => {
          const noisy = [...name].map((char, index) => {
            const invisible = noise[index] ?? ' ';
            return char === ' ' ? invisible : `${char}${invisible.trim()}`;
          });
          expect(classifySubject(dressUp(noisy.join('')))).toEqual(request(name.normalize('NFC')));
        }),
        { numRuns: 1_000 },
      );
    });

    it('gives the same name when a classified name is put back into the template', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (anything) => {
          const first = classifySubject(`${TEMPLATE} – ${anything}`);
          if (first.kind === 'request') {
            expect(classifySubject(`${TEMPLATE} – ${first.organisationName}`)).toEqual(first);
          }
        }),
        { numRuns: 2_000 },
      );
    });

    it('is not a request when the phrase is absent, even with the phrase words rearranged', () => {
      const words = fc.constantFrom('Work', 'Experience', 'Quality', 'Standard', 'work', 'STANDARD', 'Acme', 'Trust', 'RE:', '–', '-', '[EXTERNAL]', 'application');
      fc.assert(
        fc.property(fc.array(words, { maxLength: 12 }), (parts) => {
          const subject = parts.join(' ');
          fc.pre(!/work\s*experience\s*quality\s*standard/i.test(subject));
          expect(classifySubject(subject)).toEqual(notARequest);
        }),
        { numRuns: 2_000 },
      );
    });

    it('is not a request for arbitrary text that does not contain the phrase', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (subject) => {
          fc.pre(!/quality/i.test(subject.replace(/[\p{C}\s]/gu, '')));
          expect(classifySubject(subject)).toEqual(notARequest);
        }),
        { numRuns: 500 },
      );
    });

    it('never treats an automatic message as a request', () => {
      const automatic = fc.constantFrom('Automatic reply:', 'Undeliverable:', 'Out of Office:', 'Accepted:', 'Read:', 'Declined:', 'Auto-reply:');
      fc.assert(
        fc.property(fc.array(replyOrGatewayPrefix(), { maxLength: 3 }), automatic, organisationName(), decoration(), (before, prefix, name, dressUp) => {
          expect(classifySubject(`${before.join(' ')} ${prefix} ${dressUp(name)}`)).toEqual(notARequest);
        }),
        { numRuns: 1_000 },
      );
    });

    it('never throws, and any name it returns is clean', () => {
      const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary-ascii' }));
      const subject = fc.oneof(anyText, anyText.map((tail) => `${TEMPLATE} – ${tail}`), anyText.map((tail) => `RE: ${TEMPLATE}${tail}`));
      fc.assert(
        fc.property(subject, (text) => {
          const result = classifySubject(text);
          if (result.kind === 'request') expectCleanName(result.organisationName);
        }),
        { numRuns: 5_000 },
      );
    });

    it('does not depend on the case of the phrase', () => {
      fc.assert(
        fc.property(fc.array(fc.boolean(), { minLength: TEMPLATE.length, maxLength: TEMPLATE.length }), organisationName(), (upper, name) => {
          const phrase = [...TEMPLATE].map((char, index) => (upper[index] ? char.toUpperCase() : char.toLowerCase())).join('');
          expect(classifySubject(`${phrase} – ${name}`)).toEqual(classifySubject(`${TEMPLATE} – ${name}`));
        }),
      );
    });
  });

  // These files are whole in the shipped extract, so the same names are tried on every checkout.
  const referenceData = nhsReferenceFiles;
  describe('real NHS organisation names', () => {
    const names = [
      ...readColumn('nhs_trusts.csv', 'name'),
      ...readColumn('trust_name_history_ae_2014_2019.csv', 'name_as_published'),
      ...readColumn('rtt_providers_april2026.csv', 'provider_org_name'),
      ...readColumn('epraccur_trust_name_strings.csv', 'string_as_entered_in_ods'),
    ];

    it('has names to test with', () => {
      expect(names.length).toBeGreaterThan(1_000);
    });

    it('returns every real name unchanged from the template subject', () => {
      const failures = names.filter((name) => {
        const result = classifySubject(`Work Experience Quality Standard – [${name}]`);
        return result.kind !== 'request' || result.organisationName !== name;
      });
      expect(failures).toEqual([]);
    });

    it('returns every real name unchanged however the subject is decorated', () => {
      fc.assert(
        fc.property(fc.constantFrom(...names), decoration(), (name, dressUp) => {
          expect(classifySubject(dressUp(name))).toEqual(request(name));
        }),
        { numRuns: names.length * 3 },
      );
    });

    function readColumn(file: string, column: string): string[] {
      const rows = parse(readFileSync(resolve(referenceData, file), 'utf8'), { columns: true }) as Record<string, string>[];
      return rows.map((row) => row[column] ?? '').filter((name) => name !== '');
    }
  });
});

function expectCleanName(name: string): void {
  expect(name).not.toBe('');
  expect(name).toMatch(/[\p{L}\p{N}]/u);
  expect([...name].length).toBeLessThanOrEqual(MAX_ORGANISATION_NAME_LENGTH);
  expect(name).toBe(name.normalize('NFC'));
  expect(name).toBe(name.trim());
  expect(name).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}]|\s\s|[^\S ]/u);
  expect(name).not.toMatch(/[.,;:\-–—]$/);
}

// Realistic organisation names: words in several scripts, joined by single spaces, with the
// punctuation real names carry in the middle, and a plain word at each end.
function organisationName(): fc.Arbitrary<string> {
  const letters = [
    ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    ...'éèêëâàôöïîçñøåæœßŵŷŴŶẁẃ',
    ...'αβγδεζηθικλμνξοπρστυφχψωΑΘΩ',
    ...'абвгдежзийклмнопрстуфхцчшщыэюяБЖЯ',
    ...'ابتثجحخدذرزسشصضطظعغفقكلمنهوي',
    ...'אבגדהוזחטיכלמנסעפצקרשת',
    ...'醫院病人健康中心東京大学',
    ...'कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह',
  ];
  const word = fc.string({ unit: fc.constantFrom(...letters), minLength: 1, maxLength: 12 });
  const inner = fc.oneof(
    { weight: 6, arbitrary: word },
    {
      weight: 2,
      arbitrary: fc.constantFrom('&', '-', '–', 'and', "King's", "Thomas'", 'St.', 'Stoke-on-Trent', '(RR8)', 'T/A', '/', ',', 'Hospitals,', '<b>', '../', '\\', '"Acme"', '[RR8]', 'NHS', 'Trust', 'Cymru'),
    },
  );
  const placeholderWords = /^(?:x+|name|the|your|of|here|insert|enter|add|nhs|health|healthcare|trust|provider|organisation|organization)$/i;
  // Punctuation then a word that opens a sentence to staff ("St. apply", "a – please") is read as
  // the name ending and a note starting ("Acme Care. We would like to apply"): by design, not a name.
  const punctuationThenNote = /(?:[.!?;,]|\s[-\u2013\u2014])\s+(?:please|kindly|we|we're|we'd|i|i'm|i'd|our|could|would|thanks?|many|kind|best|attached|find|hello|dear|regards|request(?:ing)?|applying|apply|application)(?=[\s,.!?:;]|$)/iu;
  return fc
    .tuple(word, fc.array(inner, { maxLength: 10 }), word)
    .map(([first, middle, last]) => [first, ...middle, last].join(' '))
    .filter((name) => [...name].length <= MAX_ORGANISATION_NAME_LENGTH && !name.split(' ').every((part) => placeholderWords.test(part)) && !punctuationThenNote.test(name));
}

function replyOrGatewayPrefix(): fc.Arbitrary<string> {
  return fc.constantFrom('RE:', 'Re:', 're:', 'FW:', 'Fw:', 'Fwd:', 'FWD:', 'RE :', '[EXTERNAL]', '[External]', 'EXTERNAL:', '[secure]');
}

function invisibleNoise(): fc.Arbitrary<string> {
  return fc.constantFrom(' ', '  ', '\u00A0', '\t', ' \u200B', '\u3000', ' \u2060 ', '\u200B ', ' \uFEFF');
}

/** Every way of wrapping a name into a request subject that must give the name back unchanged. */
function decoration(): fc.Arbitrary<(name: string) => string> {
  const gap = fc.constantFrom(' ', '  ', '\u00A0', '\t', '\u200B', ' \u200B ', '\u202F');
  const phrase = fc
    .tuple(fc.array(fc.boolean(), { minLength: TEMPLATE.length, maxLength: TEMPLATE.length }), gap, gap, gap)
    .map(([upper, a, b, c]) => {
      const cased = [...TEMPLATE].map((char, index) => (upper[index] ? char.toUpperCase() : char.toLowerCase())).join('');
      const [work = '', experience = '', quality = '', standard = ''] = cased.split(' ');
      return `${work}${a}${experience}${b}${quality}${c}${standard}`;
    });
  const prefixes = fc.tuple(fc.array(replyOrGatewayPrefix(), { maxLength: 4 }), fc.constantFrom(' ', '', '  ')).map(([parts, joiner]) => parts.map((part) => `${part}${joiner}`).join(''));
  const optionalWords = fc.constantFrom('', ' application', ' Application Form', ' request', ' REQUEST');
  const separator = fc.constantFrom(' – ', ' - ', ' — ', '–', '-', ' − ', ' ‒ ', ': ', ':- ', ' :– ', ' -- ', '–  ', ' - - ', ' \u2013\u00A0');
  const brackets = fc.constantFrom<[string, string]>(['', ''], ['[', ']'], ['[ ', ' ]'], ['[[', ']]']);
  const trailing = fc.constantFrom('', '.', ' ', ' .', ';', ',  ', '\u200B', ' [secure]', ' [EXTERNAL].');
  const leading = fc.constantFrom('', ' ', '\t', '\u200B', '\uFEFF');
  return fc
    .record({ leading, prefixes, phrase, optionalWords, separator, brackets, trailing, bracketOnly: fc.boolean() })
    .map((parts) => (name: string) => {
      const [open, close] = parts.bracketOnly ? ['[', ']'] : parts.brackets;
      const separator = parts.bracketOnly ? ' ' : parts.separator;
      return `${parts.leading}${parts.prefixes}${parts.phrase}${parts.optionalWords}${separator}${open}${name}${close}${parts.trailing}`;
    });
}
