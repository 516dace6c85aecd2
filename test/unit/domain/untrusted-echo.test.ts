import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { greetingName, identifyOrganisationEmail, subjectFormatHelpEmail } from '../../../src/domain/applicant-emails.js';
import { containsContactDetails, echoSafe, isPlausiblePersonName, MAX_ECHO_LENGTH } from '../../../src/domain/untrusted-echo.js';

const support = { inboxAddress: 'workexperience@weqs.nhs.example', supportAddress: 'workexperience@weqs.nhs.example' };

describe('what a reply repeats of an unverified sender', () => {
  it('greets neutrally when the display name is not a plausible name', () => {
    for (const name of ['Refund desk https://evil.example/r', 'Call 0800 123 4567 now', 'www.evil.example', 'Claim your prize at evil.com today', 'Jo Bloggs <jo@evil.example>', 'A very long sentence that goes on and on about something else', '!!!', '🙂🙂🙂']) {
      expect(greetingName(name), name).toBeUndefined();
      const email = subjectFormatHelpEmail({ ...support, requesterName: name, receivedSubject: 'Work Experience Quality Standard', reason: 'missing-name' });
      expect(email.text, name).toContain('Hello,');
    }
    for (const name of ['Jo Bloggs', 'Siân O’Neill-Jones', 'Dr. A. Patel', 'Zoë', 'José María García López', '李小龙']) expect(greetingName(name), name).toBeDefined();
  });

  it('never repeats links, phone numbers or addresses from the subject, and only a short run of it', () => {
    const subject = `Work Experience Quality Standard – refund due, log in at https://evil.example/login or call +44 (0)20 7946 0958, mail pay@evil.example ${'and more '.repeat(40)}`;
    const email = subjectFormatHelpEmail({ ...support, receivedSubject: subject, reason: 'unusable-name' });
    for (const part of [email.text, email.html]) {
      expect(part).not.toMatch(/evil\.example|7946|0958|pay@/);
      expect(part).not.toContain('and more '.repeat(20));
    }
    const identify = identifyOrganisationEmail({ ...support, requestedName: 'Hospice visit bit.ly/x2 or 07700 900123', candidates: [] });
    expect(identify.text).not.toMatch(/bit\.ly|900123/);
  });

  it('echoes at most a short line with no link, number or address, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.webUrl(), fc.emailAddress(), fc.stringMatching(/^\+?\d{7,12}$/), (text, url, address, phone) => {
        const echoed = echoSafe(`${text} ${url} ${address} ${phone} ${text}`);
        expect([...echoed].length).toBeLessThanOrEqual(MAX_ECHO_LENGTH);
        expect(echoed).not.toContain(url);
        expect(echoed).not.toContain(address);
        expect(echoed).not.toMatch(/\d{7,}/);
        expect(echoed).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 500 },
    );
  });

  it('treats only letters, spaces and name punctuation as a plausible name', () => {
    expect(isPlausiblePersonName('Mary-Jane Smith')).toBe(true);
    expect(isPlausiblePersonName('Team 7')).toBe(false);
    expect(isPlausiblePersonName('evil.example/r')).toBe(false);
  });

  it('finds links, addresses and phone numbers in a name, and none in real organisation names', () => {
    for (const text of ['see https://evil.example/login', 'call +44 20 7946 0958', 'visit www.evil.example/pay', 'reply to pay@evil.example', 'tinyurl.com/abc123 urgent']) expect(containsContactDetails(text), text).toBe(true);
    for (const text of ['Northshire Hospitals NHS Foundation Trust', 'The Surgery (B82005)', "St. Mary's Hospice", 'Ysbyty Cymuned Dyffryn Ŵy', '../../etc/passwd Care', 'Practice 2']) expect(containsContactDetails(text), text).toBe(false);
  });
});
