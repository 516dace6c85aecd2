import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifySubject } from '../../../src/domain/request-subject.js';

/** Issue 8 item 10: messy but honest subjects, each shape alone and then combined at random. */
const request = (organisationName: string) => ({ kind: 'request', organisationName });

const b64 = (text: string): string => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
const q = (text: string): string => `=?utf-8?Q?${[...Buffer.from(text, 'utf8')].map((byte) => (byte === 0x20 ? '_' : /[A-Za-z0-9]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('')}?=`;

describe('messy but honest subjects (issue 8 item 10)', () => {
  it.each([
    ['a German reply', 'AW: Work Experience Quality Standard – Acme Care'],
    ['a German forward', 'WG: Work Experience Quality Standard – Acme Care'],
    ['a Nordic reply and forward', 'SV: VS: Work Experience Quality Standard – Acme Care'],
    ['a Dutch reply', 'Antw: Work Experience Quality Standard – Acme Care'],
    ['an asterisked gateway tag', '*EXTERNAL* Work Experience Quality Standard – Acme Care'],
    ['an asterisked gateway tag with a colon', '**EXTERNAL**: RE: Work Experience Quality Standard – Acme Care'],
    ['a hyphenated Work-Experience', 'Work-Experience Quality Standard – Acme Care'],
    ['a quoted subject', '"Work Experience Quality Standard – Acme Care"'],
    ['a subject in curly quotes', '“Work Experience Quality Standard – Acme Care”'],
    ['a quoted subject after RE:', 'RE: "Work Experience Quality Standard – Acme Care"'],
    ['a quoted name', 'Work Experience Quality Standard – "Acme Care"'],
    ['a name in curly quotes', 'Work Experience Quality Standard – “Acme Care”'],
    ['a name in round brackets', 'Work Experience Quality Standard – (Acme Care)'],
    ['a name in curly brackets', 'Work Experience Quality Standard – {Acme Care}'],
    ['an undecoded base64 word', b64('Work Experience Quality Standard – Acme Care')],
    ['undecoded quoted-printable words', `${q('Work Experience Quality')} ${q(' Standard – Acme Care')}`],
    ['a name followed by a sentence', 'Work Experience Quality Standard – Acme Care. We would like to apply please'],
    ['a name, a dash and a request', 'Work Experience Quality Standard – Acme Care - please send the form'],
    ['a name, a comma and thanks', 'Work Experience Quality Standard – Acme Care, thank you'],
    ['terminal colour codes', '\u001b[31mWork Experience Quality Standard – \u001b[1mAcme Care\u001b[0m'],
    ['a terminal title escape', '\u001b]0;pwned\u0007Work Experience Quality Standard – Acme Care'],
  ])('reads %s', (_label, subject) => {
    expect(classifySubject(subject)).toEqual(request('Acme Care'));
  });

  it('keeps what belongs to a name', () => {
    expect(classifySubject("Work Experience Quality Standard – Guy's and St Thomas'")).toEqual(request("Guy's and St Thomas'"));
    expect(classifySubject('Work Experience Quality Standard – (RR8) Leeds (Main Site)')).toEqual(request('(RR8) Leeds (Main Site)'));
    expect(classifySubject('Work Experience Quality Standard – Hi-Tech Care, Hightown')).toEqual(request('Hi-Tech Care, Hightown'));
    expect(classifySubject('Work Experience Quality Standard – <img src=x onerror=alert(1)>')).toEqual(request('<img src=x onerror=alert(1)>'));
    // An encoded word in a charset that cannot decode is left as it came.
    expect(classifySubject('Work Experience Quality Standard – =?x-unknown?B?QWNtZQ==?=')).toEqual(request('=?x-unknown?B?QWNtZQ==?='));
  });

  it('still leaves machine-written and non-request subjects alone', () => {
    for (const subject of ['Automatic reply: Work Experience Quality Standard – Acme Care', 'AW: question about the standard', '*SPAM* Work Experience Quality Standard – Acme Care', '"Hello"']) {
      expect(classifySubject(subject).kind).toBe('not-a-request');
    }
  });

  it('gives the name back however these shapes are combined (property)', () => {
    const name = fc
      .array(fc.constantFrom('Acme', 'Northtown', 'Care', 'Dental', 'Hospital', 'St', "Mary's", 'Ŵy', 'Ysbyty', 'Clinic', '&', 'Group', 'RR8'), { minLength: 1, maxLength: 6 })
      .map((words) => words.join(' '))
      .filter((candidate) => /[A-Za-zŴ]/.test(candidate) && !/^&|&$/.test(candidate));
    const prefix = fc.array(fc.constantFrom('AW: ', 'WG: ', 'RE: ', 'Fwd: ', 'SV: ', '*EXTERNAL* ', '[EXTERNAL] ', 'EXTERNAL: ', '\u001b[0m'), { maxLength: 3 }).map((parts) => parts.join(''));
    const phrase = fc.constantFrom('Work Experience Quality Standard', 'Work-Experience Quality Standard', 'work experience quality standard', 'WORK-EXPERIENCE QUALITY STANDARD');
    const wrap = fc.constantFrom<[string, string]>(['', ''], ['"', '"'], ['“', '”'], ['(', ')'], ['{', '}'], ['[', ']']);
    const sentence = fc.constantFrom('', '. We would like to apply.', ' - please send the form', ', thank you', '. Kind regards, Jo', '\u001b[0m');
    const quoteWhole = fc.boolean();
    const encode = fc.constantFrom('none', 'base64', 'quoted-printable');
    fc.assert(
      fc.property(name, prefix, phrase, wrap, sentence, quoteWhole, encode, (organisation, before, words, [open, close], after, quoted, encoding) => {
        let subject = `${words} – ${open}${organisation}${close}${after}`;
        if (quoted) subject = `"${subject}"`;
        if (encoding === 'base64') subject = b64(subject);
        if (encoding === 'quoted-printable') subject = q(subject);
        expect(classifySubject(`${before}${subject}`)).toEqual(request(organisation));
      }),
      { numRuns: 3000 },
    );
  });
});
