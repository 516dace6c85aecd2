import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALLOWED_ATTRIBUTES, ALLOWED_TAGS, attributesIn, hostileText, hrefs, tagsIn } from '../../support/email-markup.js';
import { reviewsPausedText } from '../../../src/domain/applicant-emails.js';
import { awardCurrentEmail, awardExpiredEmail, awardExpiryReminderEmail, type AwardCurrentEmailInput, type AwardExpiredEmailInput, type AwardExpiryReminderEmailInput } from '../../../src/domain/cycle-emails/award-lifecycle.js';
import { deadlineReminderEmail, remindersStoppedEmail, type DeadlineReminderEmailInput, type RemindersStoppedEmailInput } from '../../../src/domain/cycle-emails/reminders.js';
import { decisionEmail, informationRequestedEmail, type DecisionEmailInput, type InformationRequestedEmailInput } from '../../../src/domain/cycle-emails/decisions.js';
import { defaultAimLevel, MAX_LISTED_DOCUMENTS } from '../../../src/domain/cycle-emails/readiness.js';
import { enteredReviewEmail, rolledOverEmail, type EnteredReviewEmailInput, type RolledOverEmailInput } from '../../../src/domain/cycle-emails/deadline-close.js';
import { reviewsResumedEmail, type ReviewsResumedEmailInput } from '../../../src/domain/cycle-emails/calendar-changes.js';
import type { EmailContent } from '../../../src/domain/email-document.js';
import {
  assessEvidenceReadiness,
  type EvidenceFile,
  type EvidenceReadinessInput,
  type EvidenceSection,
} from '../../../src/domain/evidence-readiness.js';
import { extractIdentifiers } from '../../../src/domain/organisation-name.js';
import { classifySubject } from '../../../src/domain/request-subject.js';
import { ukEndOfDay } from '../../../src/domain/uk-dates.js';

// ---------------------------------------------------------------------------------------------
// Fixtures: real readiness assessments of small folders
// ---------------------------------------------------------------------------------------------

const sections: EvidenceSection[] = [
  { id: 'HO', title: 'Healthcare organisation', folderName: '1 Healthcare organisation' },
  { id: 'PP', title: 'Pre-Placement', folderName: '2 Pre-Placement' },
  { id: 'PI', title: 'Placement Induction', folderName: '3 Placement Induction' },
  { id: 'DP', title: 'During Placement', folderName: '4 During Placement' },
  { id: 'RR', title: 'Reflection and Review', folderName: '5 Reflection and Review' },
  { id: 'PO', title: 'Post Placement', folderName: '6 Post Placement' },
];
const [HO, PP, PI, DP, RR, PO] = sections.map((section) => section.folderName) as [string, string, string, string, string, string];

const FORM = 'WEQS-2026-0042 Application form.docx';
const DEADLINE = ukEndOfDay('2027-01-18');
const RECENT = new Date('2026-11-02T10:00:00Z');
const OLD = new Date('2025-03-03T10:00:00Z');

function file(folder: string | null, name: string, overrides: Partial<EvidenceFile> = {}): EvidenceFile {
  return { path: folder === null ? [] : [folder], name, lastModified: RECENT, size: 20_480, ...overrides };
}

function assess(files: EvidenceFile[], overrides: Partial<EvidenceReadinessInput> = {}) {
  return assessEvidenceReadiness({ files, sections, applicationFormName: FORM, deadline: DEADLINE, ...overrides });
}

/** Ready for review: the form, one current document per section, commentary filled in. */
const ready = assess(
  [
    file(null, FORM),
    file(HO, 'Work experience policy.pdf'),
    file(PP, 'Risk assessment - Pharmacy.pdf'),
    file(PI, 'Induction checklist.pdf'),
    file(DP, 'Placement timetable - Radiology.xlsx'),
    file(RR, 'Learner reflection.docx'),
    file(PO, 'Evaluation summary.pdf'),
  ],
  { commentary: [{ criterionId: 'HO1', sectionId: 'HO', commentary: 'See Work experience policy.pdf, page 2.' }] },
);

/**
 * Not ready: no form, five current documents, two empty sections (one holding only a stale
 * document), an empty commentary box and a commentary naming a missing document, plus a file
 * outside the sections.
 */
const notReady = assess(
  [
    file(HO, 'Work experience policy.pdf'),
    file(HO, 'Lead role description.docx'),
    file(PP, 'Risk assessment - Pharmacy.pdf'),
    file(PI, 'Induction checklist.pdf'),
    file(DP, 'Placement timetable - Radiology.xlsx'),
    file(RR, 'Reflection log 2024.docx', { lastModified: OLD }),
    file(null, 'Feedback form.pdf'),
  ],
  {
    commentary: [
      { criterionId: 'HO1', sectionId: 'HO', commentary: 'See Work experience policy.pdf, page 2.' },
      { criterionId: 'RR1', sectionId: 'RR', commentary: 'Click or tap here to enter text.' },
    ],
    references: [{ criterionId: 'HO1', referenced: ['Work experience policy.pdf', 'Supervisor training log.pdf'] }],
  },
);

const FOLDER_URL = 'https://contoso.sharepoint.com/sites/weqs/Applications/WEQS-2026-0042%20Northshire';
const FORM_URL = `${FOLDER_URL}/WEQS-2026-0042%20Application%20form.docx`;
const CERTIFICATE_URL = `${FOLDER_URL}/Certificate.pdf`;
const SUPPORT = 'workexperience@example.nhs.uk';
const INBOX = 'workexperience@example.nhs.uk';
const ORG = 'Northshire Hospitals NHS Foundation Trust';
const REF = 'WEQS-2026-0042';
const STOP = 'reply to this email with "STOP REMINDERS" in the subject';

const base = { requesterName: 'Jane Smith', organisationName: ORG, reference: REF, supportAddress: SUPPORT };
const cycle2 = { name: '2026/27 Cycle 2', submissionDeadline: DEADLINE };
const nextCycle = { name: '2027/28 Cycle 1', submissionDeadline: ukEndOfDay('2027-05-18') };

const reminder: DeadlineReminderEmailInput = {
  ...base,
  folderUrl: FOLDER_URL,
  formUrl: FORM_URL,
  cycle: cycle2,
  daysLeft: 7,
  readiness: notReady,
  stopInstruction: STOP,
};
const rolled: RolledOverEmailInput = { ...base, folderUrl: FOLDER_URL, fromCycle: cycle2, toCycle: nextCycle, readiness: notReady, stopInstruction: STOP };
/** The same email when no later cycle is published. */
const { toCycle: _toCycle, ...rolledWithoutNextCycle } = rolled;
const entered: EnteredReviewEmailInput = {
  ...base,
  folderUrl: FOLDER_URL,
  cycle: { name: '2026/27 Cycle 2', reviewEnd: '2027-03-29', decisionsOpen: '2027-03-31', decisionsClose: '2027-04-14' },
};
const information: InformationRequestedEmailInput = {
  ...base,
  folderUrl: FOLDER_URL,
  note: 'Please add:\n- a completed risk assessment for Pharmacy\n- learner feedback from two departments\n\nThank you.',
  dueOn: '2027-02-26',
};
const gold: DecisionEmailInput = {
  ...base,
  inboxAddress: INBOX,
  award: 'gold',
  notes: 'Excellent induction evidence.',
  awardedOn: '2027-04-02',
  certificateUrl: CERTIFICATE_URL,
};
const notAwarded: DecisionEmailInput = {
  ...base,
  inboxAddress: INBOX,
  odsCode: 'RXX',
  award: 'not-awarded',
  notes: 'Evidence related to online work-related learning.\nPlease see the guidance, page 4.',
  awardedOn: '2027-04-02',
  certificateUrl: CERTIFICATE_URL,
  expiresOn: '2029-04-02',
  nextCycle,
};
const expiring: AwardExpiryReminderEmailInput = { ...base, inboxAddress: INBOX, odsCode: 'RXX', award: 'silver', expiresOn: '2029-04-02', daysLeft: 30 };
const expired: AwardExpiredEmailInput = { ...base, inboxAddress: INBOX, award: 'silver', expiredOn: '2029-04-02', nextCycle };
const current: AwardCurrentEmailInput = {
  ...base,
  inboxAddress: INBOX,
  award: 'bronze',
  awardedOn: '2027-04-02',
  expiresOn: '2029-04-02',
  renewalOpensOn: '2029-01-02',
};
const resumed: ReviewsResumedEmailInput = {
  ...base,
  folderUrl: FOLDER_URL,
  cycle: { name: '2027/28 Cycle 1', submissionDeadline: ukEndOfDay('2027-05-18'), decisionsOpen: '2027-07-28', decisionsClose: '2027-08-11' },
};
const stopped: RemindersStoppedEmailInput = { ...base, cycle: cycle2 };

/** Every email, with `text` in every field that comes from an email, a folder or staff. */
function allEmails(text = ''): Record<string, EmailContent> {
  const hostile = text !== '';
  const v = (normal: string) => (hostile ? text : normal);
  const common = { requesterName: v('Jane Smith'), organisationName: v(ORG), reference: v(REF) };
  const readiness = hostile
    ? assess(
        [file(null, FORM), file(v(HO), text), file(PP, text, { lastModified: OLD }), file(text, text)],
        {
          sections: sections.map((section) => ({ ...section, title: text, folderName: section.id === 'HO' ? text : section.folderName })),
          commentary: [{ criterionId: text, sectionId: 'HO', commentary: '' }],
          references: [{ criterionId: text, referenced: [text], missing: [text] }],
        },
      )
    : notReady;
  const hostileCycle = { name: v('2026/27 Cycle 2'), submissionDeadline: DEADLINE };
  return {
    reminder: deadlineReminderEmail({ ...reminder, ...common, cycle: hostileCycle, readiness, stopInstruction: v(STOP), movedFrom: '2027-01-04' }),
    reminderReady: deadlineReminderEmail({ ...reminder, ...common, readiness: ready, aimLevel: 'gold' }),
    rolled: rolledOverEmail({ ...rolled, ...common, fromCycle: hostileCycle, toCycle: { ...nextCycle, name: v(nextCycle.name) }, readiness }),
    rolledPaused: rolledOverEmail({ ...rolledWithoutNextCycle, ...common, readiness, reviewsPausedMessage: v('Reviews restart in spring.') }),
    entered: enteredReviewEmail({ ...entered, ...common, cycle: { ...entered.cycle, name: v(entered.cycle.name) } }),
    information: informationRequestedEmail({ ...information, ...common, note: v(information.note) }),
    gold: decisionEmail({ ...gold, ...common, notes: v('Excellent.') }),
    notAwarded: decisionEmail({ ...notAwarded, ...common, odsCode: v('RXX'), notes: v('Not enough.'), nextCycle: { ...nextCycle, name: v(nextCycle.name) } }),
    expiring: awardExpiryReminderEmail({ ...expiring, ...common, odsCode: v('RXX') }),
    expired: awardExpiredEmail({ ...expired, ...common, nextCycle: { ...nextCycle, name: v(nextCycle.name) } }),
    current: awardCurrentEmail({ ...current, ...common }),
    resumed: reviewsResumedEmail({ ...resumed, ...common, cycle: { ...resumed.cycle, name: v(resumed.cycle.name) } }),
    stopped: remindersStoppedEmail({ ...stopped, ...common, startInstruction: v('reply with "START REMINDERS" in the subject') }),
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

function unescapeHtml(html: string): string {
  return html
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}

/** What a reader sees of some HTML: tags dropped (a line break reads as a space), entities decoded. */
function plain(html: string): string {
  return flat(unescapeHtml(html.replace(/<br>/g, ' ').replace(/<[^>]+>/g, '')));
}

/** The words of each paragraph, heading and list item (without its sublist) as a reader sees them. */
function visibleTexts(html: string): string[] {
  const body = html.slice(html.indexOf('<body'));
  const withoutSublists = body.replace(/<li>([^]*?)\n<ul>/g, '<li>$1</li>\n<ul>');
  return [...withoutSublists.matchAll(/<(p|h1|h2|li)(?: [^>]*)?>([^]*?)<\/\1>/g)]
    .map((match) => plain(match[2] ?? ''))
    .filter((text) => text !== '');
}

/** The HTML between a heading and the next one. */
function sectionHtml(html: string, heading: string): string {
  const start = html.indexOf(`<h2>${heading}</h2>`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = html.indexOf('<h2>', start + 4);
  return html.slice(start, end === -1 ? undefined : end);
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</title><script>alert(1)</script>',
  'A & B',
  'مستشفى النور التخصصي',
  '🏥 Northshire Care 👩‍⚕️',
  'line one\nline two\u202Egnp.exe',
  'N'.repeat(300),
];

// ---------------------------------------------------------------------------------------------
// Every email
// ---------------------------------------------------------------------------------------------

describe('every cycle email', () => {
  const emails = allEmails();

  it('names the organisation and the reference in the subject', () => {
    for (const [name, email] of Object.entries(emails)) {
      expect(email.subject, name).toContain(ORG);
      expect(email.subject, name).toContain(`(${REF})`);
      expect(email.subject, name).toContain('Work Experience Quality Standard');
    }
  });

  it('has subjects that, replied to, are never taken for a new application request', () => {
    for (const [name, email] of Object.entries(emails)) {
      expect(classifySubject(email.subject), name).toEqual({ kind: 'not-a-request' });
      expect(classifySubject(`RE: ${email.subject}`), name).toEqual({ kind: 'not-a-request' });
    }
  });

  it('keeps subjects on one line and within 255 characters, shortening the organisation rather than the reference', () => {
    for (const [name, email] of Object.entries(allEmails('N'.repeat(300)))) {
      expect([...email.subject].length, name).toBeLessThanOrEqual(255);
      expect(email.subject, name).not.toMatch(/[\r\n]/);
    }
    const long = deadlineReminderEmail({ ...reminder, organisationName: 'N'.repeat(300) });
    expect(long.subject.endsWith(`… (${REF})`)).toBe(true);
  });

  it('is an accessible HTML document: language, title, one main heading, allowed tags only', () => {
    for (const [name, email] of Object.entries(emails)) {
      expect(email.html.startsWith('<!DOCTYPE html>'), name).toBe(true);
      expect(email.html, name).toContain('<html lang="en-GB">');
      expect(email.html, name).toContain(`<title>${email.subject.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}</title>`);
      expect(email.html.match(/<h1>/g), name).toHaveLength(1);
      for (const tag of tagsIn(email.html)) expect(ALLOWED_TAGS, name).toContain(tag);
      expect(email.html, name).not.toMatch(/click here/i);
    }
  });

  it('says the same in the text part as in the HTML', () => {
    for (const [name, email] of Object.entries(emails)) {
      const text = flat(email.text);
      for (const shown of visibleTexts(email.html)) expect(text, `${name}: ${shown}`).toContain(shown);
      for (const href of hrefs(email.html)) expect(email.text, name).toContain(href.replace(/^mailto:/, ''));
    }
  });

  it('wraps the text part for reading, except URLs and example lines', () => {
    for (const [name, email] of Object.entries(emails)) {
      for (const line of email.text.split('\n')) {
        if (!line.startsWith('https://') && !line.startsWith('    ')) expect([...line].length, `${name}: ${line}`).toBeLessThanOrEqual(72);
      }
    }
  });

  it('greets by name and signs off as the team, and gives the reference to quote', () => {
    for (const [name, email] of Object.entries(emails)) {
      expect(email.text, name).toContain('Hello Jane Smith,');
      expect(email.text, name).toContain('The Work Experience Quality Standard team');
      expect(flat(email.text), name).toContain(`Please include your reference, ${REF}.`);
      expect(email.html, name).toContain(`<a href="mailto:${SUPPORT}">${SUPPORT}</a>`);
    }
  });

  it.each(HOSTILE)('escapes %j everywhere it appears', (hostile) => {
    for (const [name, email] of Object.entries(allEmails(hostile))) {
      expect(email.html, name).not.toMatch(/<script|<img/i);
      expect(email.html, name).not.toContain('\u202E');
      for (const tag of tagsIn(email.html)) expect(ALLOWED_TAGS, name).toContain(tag);
      for (const attribute of attributesIn(email.html)) expect(ALLOWED_ATTRIBUTES, name).toContain(attribute);
      expect(email.subject, name).not.toMatch(/[\r\n]/);
      const text = flat(email.text);
      for (const shown of visibleTexts(email.html)) expect(text, `${name}: ${shown}`).toContain(shown);
    }
  });

  it('shows a hostile organisation name as text in both parts', () => {
    const email = deadlineReminderEmail({ ...reminder, organisationName: '<b>Evil</b> & Co' });
    expect(email.html).toContain('<bdi>&lt;b&gt;Evil&lt;/b&gt; &amp; Co</bdi>');
    expect(email.text).toContain('<b>Evil</b> & Co');
    expect(email.subject).toContain('<b>Evil</b> & Co');
  });

  it('never lets any input produce a script tag, or any tag or attribute of its own', () => {
    fc.assert(
      fc.property(hostileText(200), (text) => {
        for (const email of Object.values(allEmails(text))) {
          expect(email.html.toLowerCase()).not.toContain('<script');
          for (const tag of tagsIn(email.html)) expect(ALLOWED_TAGS).toContain(tag);
          for (const attribute of attributesIn(email.html)) expect(ALLOWED_ATTRIBUTES).toContain(attribute);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('refuses links that are not absolute https', () => {
    expect(() => deadlineReminderEmail({ ...reminder, folderUrl: 'javascript:alert(1)' })).toThrow(TypeError);
    expect(() => deadlineReminderEmail({ ...reminder, formUrl: 'http://contoso.sharepoint.com/form.docx' })).toThrow(TypeError);
    expect(() => decisionEmail({ ...gold, certificateUrl: '/certificate.pdf' })).toThrow(TypeError);
    expect(() => informationRequestedEmail({ ...information, folderUrl: 'file:///c:/x' })).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

describe('UK dates', () => {
  it.each([
    ['2027-01-18', 'Monday 18 January 2027'],
    ['2027-06-18', 'Friday 18 June 2027'],
    ['2027-03-28', 'Sunday 28 March 2027'],
    ['2027-10-31', 'Sunday 31 October 2027'],
  ])('shows a deadline ending %s (GMT or BST) as the UK calendar date, not the UTC one', (date, words) => {
    const deadline = ukEndOfDay(date);
    const email = deadlineReminderEmail({ ...reminder, cycle: { ...cycle2, submissionDeadline: deadline } });
    for (const part of [flat(email.text), plain(email.html)]) expect(part).toContain(`the end of ${words} (UK time)`);
    const moved = rolledOverEmail({ ...rolled, toCycle: { ...nextCycle, submissionDeadline: deadline } });
    expect(flat(moved.text)).toContain(`The new submission deadline is the end of ${words} (UK time).`);
  });

  it('writes every closing date as the end of a UK day', () => {
    expect(flat(informationRequestedEmail(information).text)).toContain('until the end of Friday 26 February 2027 (UK time)');
    expect(flat(decisionEmail(gold).text)).toContain('until the end of Monday 2 April 2029 (UK time)');
    expect(flat(awardExpiredEmail(expired).text)).toContain('expired at the end of Monday 2 April 2029 (UK time)');
  });
});

// ---------------------------------------------------------------------------------------------
// 1. Deadline reminder
// ---------------------------------------------------------------------------------------------

describe('deadlineReminderEmail', () => {
  const email = deadlineReminderEmail(reminder);
  const text = flat(email.text);

  it('says how many days are left, in the subject and the heading', () => {
    expect(email.subject).toBe(`Submission deadline in 7 days – Work Experience Quality Standard – ${ORG} (${REF})`);
    expect(email.html).toContain('<h1>Your submission deadline is in 7 days</h1>');
    expect(deadlineReminderEmail({ ...reminder, daysLeft: 1 }).subject).toMatch(/^Submission deadline tomorrow/);
    expect(deadlineReminderEmail({ ...reminder, daysLeft: 0 }).subject).toMatch(/^Submission deadline today/);
    expect(deadlineReminderEmail({ ...reminder, daysLeft: -2 }).subject).toMatch(/^Submission deadline today/);
    expect(deadlineReminderEmail({ ...reminder, daysLeft: Number.NaN }).subject).toMatch(/^Submission deadline today/);
    expect(text).toContain('The deadline is the end of Monday 18 January 2027 (UK time). This is for our 2026/27 Cycle 2 review.');
  });

  it('says when the deadline has moved', () => {
    const moved = deadlineReminderEmail({ ...reminder, daysLeft: 14, movedFrom: '2027-01-04' });
    expect(moved.subject).toMatch(/^New submission deadline in 14 days/);
    expect(flat(moved.text)).toContain('The submission deadline has moved from Monday 4 January 2027 to Monday 18 January 2027.');
    expect(text).not.toContain('has moved');
  });

  it('summarises the folder: form, documents per section, stale and misplaced documents, commentary, supported level', () => {
    expect(text).toContain('Your application is not ready for review yet.');
    expect(text).toContain('Application form: not found in your folder.');
    expect(text).toContain('Current documents (dated on or after 18 January 2026): 5.');
    expect(text).toContain("That meets the standard's minimum number for bronze (silver needs at least 8). A minimum makes you eligible for a level; the award itself depends on how well your evidence meets the criteria.");
    expect(text).toContain(`- ${HO}: 2 current documents`);
    expect(text).toContain(`- ${PP}: 1 current document`);
    expect(text).toContain(`- ${RR}: no current documents (1 is older than 12 months)`);
    expect(text).toContain(`- ${PO}: no documents`);
    expect(text).toContain(`- Reflection log 2024.docx in ${RR}, dated 3 March 2025`);
    expect(text).toContain('- Feedback form.pdf');
    expect(text).toContain('Supporting commentary: 1 box is empty (RR1).');
    expect(text).toContain('Documents named in your commentary but not in your folder: 1.');
    // Empty sections are advice: the standard sets a minimum across the whole application.
    expect(text).toContain('Advice (none of this stops your application being reviewed):');
    expect(text).toContain("- Post Placement has no documents yet. The standard counts documents across the whole application, but reviewers look for evidence for every section's criteria.");
  });

  it('aims at the next level up by default and lists exactly what is missing for it, blockers first', () => {
    const gaps = notReady.missingForLevel('silver');
    // Empty sections are advice, not published rules, so they are not among the gaps.
    expect(gaps.map((gap) => gap.kind)).toEqual(['form-missing', 'documents-short', 'commentary-empty', 'reference-missing']);
    const missing = sectionHtml(email.html, 'What is missing for a silver award');
    // One list item per gap: three blockers, then the extra documents silver needs.
    expect(missing.match(/<li>/g)).toHaveLength(gaps.length);
    const missingText = plain(missing);
    expect(missingText).toContain('Before we can review your application, you need to:');
    expect(missingText).toContain('Put your application form back in your folder.');
    expect(missingText).not.toContain('Add at least one current document to');
    expect(missingText).toContain('Fill in the supporting commentary box for RR1.');
    expect(missingText).toContain('Upload "Supervisor training log.pdf", which your commentary for HO1 names');
    expect(missingText).toContain('For a silver award, you also need: at least 8 current documents in total: 3 more than you have now.');
  });

  it('lists what a higher aim needs when the application is already ready', () => {
    const aimingHigh = deadlineReminderEmail({ ...reminder, readiness: ready, aimLevel: 'gold' });
    const missing = sectionHtml(aimingHigh.html, 'What is missing for a gold award');
    expect(missing.match(/<li>/g)).toHaveLength(ready.missingForLevel('gold').length);
    expect(plain(missing)).toContain('Add 6 more current documents: a gold award needs at least 12, and you have 6.');
    expect(flat(aimingHigh.text)).toContain('Your application is ready for review.');
    expect(flat(aimingHigh.text)).toContain('At the deadline, your application will go into review');
    expect(flat(aimingHigh.text)).toContain('From the deadline, your folder will be read-only');
  });

  it('says nothing is missing when the evidence is complete for the aim', () => {
    const complete = deadlineReminderEmail({ ...reminder, readiness: ready, aimLevel: 'bronze' });
    expect(flat(complete.text)).toContain('Nothing that we check is missing for a bronze award.');
    expect(sectionHtml(complete.html, 'What is missing for a bronze award')).not.toContain('<li>');
  });

  it('says what happens at the deadline when the application is not ready', () => {
    expect(text).toContain('If your application is still not ready at the deadline, we will not review it in this cycle. It will move to the next review cycle');
  });

  it('says when the commentary could not be checked', () => {
    const unread = deadlineReminderEmail({ ...reminder, readiness: assess([file(null, FORM), file(HO, 'a.pdf')]) });
    expect(flat(unread.text)).toContain('we could not read the commentary boxes in your form, so we have not checked them');
  });

  it(`names at most ${MAX_LISTED_DOCUMENTS} stale documents and counts the rest`, () => {
    const stale = Array.from({ length: MAX_LISTED_DOCUMENTS + 3 }, (_unused, index) => file(PP, `Old ${index}.pdf`, { lastModified: OLD }));
    const many = deadlineReminderEmail({ ...reminder, readiness: assess([file(null, FORM), ...stale]) });
    expect(many.text).toContain(`Old ${MAX_LISTED_DOCUMENTS - 1}.pdf`);
    expect(many.text).not.toContain(`Old ${MAX_LISTED_DOCUMENTS}.pdf`);
    expect(flat(many.text)).toContain('and 3 more documents');
  });

  it('links the folder and the form and says how to stop reminders', () => {
    expect(email.html).toContain(`<a href="${FOLDER_URL}">Open your evidence folder</a>`);
    expect(email.html).toContain(`<a href="${FORM_URL}">Open your application form</a>`);
    expect(text).toContain('To stop these reminders, reply to this email with "STOP REMINDERS" in the subject.');
    expect(email.html).toContain('with &quot;STOP REMINDERS&quot; in the subject');
  });
});

describe('defaultAimLevel', () => {
  it.each([
    ['none', 'bronze'],
    ['bronze', 'silver'],
    ['silver', 'gold'],
    ['gold', 'gold'],
  ] as const)('aims above %s at %s', (supportedLevel, aim) => {
    expect(defaultAimLevel({ supportedLevel })).toBe(aim);
  });
});

// ---------------------------------------------------------------------------------------------
// 2–4. Deadline passed, review, more information
// ---------------------------------------------------------------------------------------------

describe('rolledOverEmail', () => {
  it('says the application was not reviewed, why, and gives the new deadline and evidence date', () => {
    const email = rolledOverEmail(rolled);
    const text = flat(email.text);
    expect(email.subject).toMatch(/^Your application has moved to the next review cycle – /);
    expect(text).toContain('was not ready for review at the deadline, so we have not reviewed it in this cycle');
    expect(text).toContain('You do not need to apply again');
    expect(text).toContain('Application form: not found in your folder.');
    const reasons = sectionHtml(email.html, 'Why it was not ready');
    expect(reasons).toContain('To be ready for review, you need to:');
    expect(text).toContain('Put your application form back in your folder.');
    expect(text).not.toContain('also need');
    expect(text).toContain('Your application has moved to our 2027/28 Cycle 1 review. The new submission deadline is the end of Tuesday 18 May 2027 (UK time).');
    expect(text).toContain('dated on or after Monday 18 May 2026');
    expect(text).toContain('To stop them, reply to this email with "STOP REMINDERS" in the subject.');
  });

  it('says reviews are paused when no next cycle is published, with the staff message if given', () => {
    const paused = rolledOverEmail(rolledWithoutNextCycle);
    expect(paused.subject).toMatch(/^Your application was not reviewed this cycle – /);
    expect(flat(paused.text)).toContain(reviewsPausedText);
    expect(paused.text).not.toContain('new submission deadline');
    const custom = rolledOverEmail({ ...rolledWithoutNextCycle, reviewsPausedMessage: 'Reviews restart in spring.\n\nWe will email you.' });
    expect(custom.text).toContain('Reviews restart in spring.\n\nWe will email you.');
    expect(custom.text).not.toContain(reviewsPausedText);
  });
});

describe('enteredReviewEmail', () => {
  it('confirms receipt, the read-only folder, possible questions and when the decision comes', () => {
    const email = enteredReviewEmail(entered);
    const text = flat(email.text);
    expect(email.subject).toMatch(/^Your application is being reviewed – /);
    expect(text).toContain('We have received it for our 2026/27 Cycle 2 review.');
    expect(text).toContain('you cannot add, change or delete anything');
    expect(text).toContain('The review runs until Monday 29 March 2027. We may email you during it to ask for more information or evidence.');
    expect(text).toContain('We will send you our decision between Wednesday 31 March 2027 and Wednesday 14 April 2027.');
  });
});

describe('informationRequestedEmail', () => {
  it('quotes the reviewers note with its line breaks, and says until when the folder is open', () => {
    const email = informationRequestedEmail(information);
    expect(email.subject).toMatch(/^More information needed for your application – /);
    expect(email.text).toContain('Please add:\n- a completed risk assessment for Pharmacy\n- learner feedback from two departments\n\nThank you.');
    expect(email.html).toContain('<p><bdi>Please add:</bdi><br>\n<bdi>- a completed risk assessment for Pharmacy</bdi><br>');
    const text = flat(email.text);
    expect(text).toContain('We have opened your evidence folder for changes until the end of Friday 26 February 2027 (UK time).');
    expect(text).toContain('After that, it will be read-only again while we finish the review.');
  });

  it('escapes a hostile note and keeps it as text', () => {
    const email = informationRequestedEmail({ ...information, note: 'Send <script>alert(1)</script>\n<img src=x onerror=alert(1)> & more' });
    expect(email.html).not.toMatch(/<script|<img/i);
    expect(email.html).toContain('<bdi>Send &lt;script&gt;alert(1)&lt;/script&gt;</bdi><br>');
    expect(email.text).toContain('Send <script>alert(1)</script>\n<img src=x onerror=alert(1)> & more');
  });

  it('asks the applicant to get in touch when the note is empty', () => {
    expect(flat(informationRequestedEmail({ ...information, note: ' \n\n ' }).text)).toContain('Our reviewers did not say what they need.');
  });
});

// ---------------------------------------------------------------------------------------------
// 5–8. Decisions and awards
// ---------------------------------------------------------------------------------------------

describe('awardExpiryReminderEmail while reviews are paused', () => {
  it('says reviews are paused instead of pointing to the next review cycle', () => {
    const input = { organisationName: ORG, reference: REF, award: 'gold' as const, expiresOn: '2027-06-30', daysLeft: 30, inboxAddress: 'workexperience@nhs.example', supportAddress: 'workexperience@nhs.example' };
    const paused = flat(awardExpiryReminderEmail({ ...input, reviewsPaused: true }).text);
    expect(paused).toContain('Reviews of applications are paused at the moment. We will email you when new review dates are published.');
    expect(paused).not.toContain('next review cycle');
    expect(flat(awardExpiryReminderEmail(input).text)).toContain('review it in the next review cycle');
  });
});

describe('re-application answers and award emails while reviews are paused', () => {
  const staffWording = 'Reviews are paused while the framework is refreshed.';

  it('award current: says reviews are paused, in staff\'s words when set', () => {
    const text = flat(awardCurrentEmail({ ...current, paused: { reviewsPaused: true } }).text);
    expect(text).toContain(reviewsPausedText);
    expect(text).not.toContain('next review cycle');
    expect(flat(awardCurrentEmail({ ...current, paused: { reviewsPaused: true, reviewsPausedMessage: staffWording } }).text)).toContain(staffWording);
    expect(flat(awardCurrentEmail(current).text)).not.toContain('paused');
  });

  it('award expired: says reviews are paused when no cycle is published, the next deadline when one is', () => {
    const { nextCycle: _next, ...withoutCycle } = expired;
    const paused = flat(awardExpiredEmail({ ...withoutCycle, paused: { reviewsPaused: true } }).text);
    expect(paused).toContain(reviewsPausedText);
    expect(paused).not.toMatch(/next (review cycle|submission deadline)/);
    expect(flat(awardExpiredEmail(expired).text)).toContain('The next submission deadline is the end of Tuesday 18 May 2027 (UK time).');
  });

  it('not awarded: says reviews are paused instead of promising review dates on applying', () => {
    const { nextCycle: _next, ...withoutCycle } = notAwarded;
    const paused = flat(decisionEmail({ ...withoutCycle, paused: { reviewsPaused: true, reviewsPausedMessage: staffWording } }).text);
    expect(paused).toContain(staffWording);
    expect(paused).not.toContain('We will tell you the review dates when you apply.');
  });

  it('award expiry reminder: uses staff\'s wording for the pause when set', () => {
    const text = flat(awardExpiryReminderEmail({ ...expiring, reviewsPaused: true, reviewsPausedMessage: staffWording }).text);
    expect(text).toContain(staffWording);
    expect(text).not.toContain('next review cycle');
  });

  it('deadline reminder for the last published cycle: an application not ready waits for new dates, it does not move to "the next review cycle"', () => {
    for (const readiness of [ready, notReady]) {
      const text = flat(deadlineReminderEmail({ ...reminder, readiness, laterCyclePublished: false }).text);
      expect(text).not.toContain('next review cycle');
      expect(text).toContain('wait until new review dates are published');
      expect(flat(deadlineReminderEmail({ ...reminder, readiness }).text)).toContain('next review cycle');
    }
  });
});

describe('decisionEmail: the standard\'s own facts', () => {
  it('names the awarding body (NHS England by default, or the setting), and says the award is free of charge', () => {
    const text = flat(decisionEmail(gold).text);
    expect(text).toMatch(/at gold level by NHS England\./);
    expect(text).toContain('free of charge');
    expect(flat(decisionEmail({ ...gold, awardingBody: 'Health Education England' }).text)).toMatch(/at gold level by Health Education England\./);
  });

  it('says what the digital logo is and how to get it: the link when set, otherwise that we will send it', () => {
    expect(flat(decisionEmail(gold).text)).toContain('The digital logo is an image file of the quality standard award. We will email it to you separately.');
    const withLink = decisionEmail({ ...gold, digitalLogoUrl: 'https://logo.nhs.example/weqs-gold.png' });
    expect(withLink.text).toContain('Download the digital logo:\nhttps://logo.nhs.example/weqs-gold.png');
    expect(withLink.html).toContain('href="https://logo.nhs.example/weqs-gold.png"');
  });
});

describe('decisionEmail', () => {
  it('congratulates with the level, two-year validity, the certificate and how to display the award', () => {
    const email = decisionEmail(gold);
    const text = flat(email.text);
    expect(email.subject).toMatch(/^Decision on your application: gold award – /);
    expect(email.html).toContain('<h1>Congratulations on your gold award</h1>');
    expect(text).toContain(`${ORG} has been awarded the Work Experience Quality Standard at gold level by NHS England.`);
    expect(text).toContain('It is valid for two years, until the end of Monday 2 April 2029 (UK time).');
    expect(email.html).toContain(`<a href="${CERTIFICATE_URL}">Open your certificate</a>`);
    expect(text).toContain('You can display the quality standard digital logo and your certificate');
    expect(text).toContain('You can apply to renew from Tuesday 2 January 2029');
    expect(text).toContain('Excellent induction evidence.');
  });

  it('uses the expiry date it is given', () => {
    expect(flat(decisionEmail({ ...gold, expiresOn: '2029-04-30' }).text)).toContain('until the end of Monday 30 April 2029 (UK time)');
  });

  it('sends no certificate and no award dates with a decision not to award', () => {
    const email = decisionEmail(notAwarded);
    for (const part of [email.subject, email.html, email.text]) {
      expect(part).not.toMatch(/certificate/i);
      expect(part).not.toContain(CERTIFICATE_URL);
      expect(part).not.toContain('2029');
      expect(part).not.toMatch(/congratulations/i);
    }
    expect(email.subject).toMatch(/^Decision on your application – /);
  });

  it('gives the reviewers notes and how to apply again, with an exact subject the parser reads', () => {
    const email = decisionEmail(notAwarded);
    const text = flat(email.text);
    expect(text).toContain('we are not able to make an award this time');
    expect(email.text).toContain('Evidence related to online work-related learning.\nPlease see the guidance, page 4.');
    expect(text).toContain(`Write a new email (do not reply to this one) to ${INBOX}.`);
    const example = `Work Experience Quality Standard – ${ORG} (RXX)`;
    expect(email.text).toContain(`    ${example}`);
    const parsed = classifySubject(example);
    expect(parsed).toEqual({ kind: 'request', organisationName: `${ORG} (RXX)` });
    expect(parsed.kind === 'request' && extractIdentifiers(parsed.organisationName).odsCodes).toEqual(['RXX']);
    expect(text).toContain('The next submission deadline is the end of Tuesday 18 May 2027 (UK time). This is for our 2027/28 Cycle 1 review.');
  });

  it('offers feedback when there are no notes', () => {
    const { notes: _notes, ...withoutNotes } = notAwarded;
    expect(flat(decisionEmail(withoutNotes).text)).toContain(`If you would like feedback on your application, email ${SUPPORT}.`);
  });

  it('escapes hostile decision notes', () => {
    const email = decisionEmail({ ...notAwarded, notes: '<script>alert(1)</script>' });
    expect(email.html).not.toContain('<script');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.text).toContain('<script>alert(1)</script>');
  });
});

describe('awardExpiryReminderEmail', () => {
  it('says when the award expires and invites a renewal by a new request with the exact subject', () => {
    const email = awardExpiryReminderEmail(expiring);
    const text = flat(email.text);
    expect(email.subject).toMatch(/^Your silver award expires in 30 days – /);
    expect(text).toContain(`The silver award for ${ORG} is valid until the end of Monday 2 April 2029 (UK time).`);
    expect(text).toContain('You can apply to renew it now.');
    expect(email.text).toContain(`    Work Experience Quality Standard – ${ORG} (RXX)`);
    expect(classifySubject(`Work Experience Quality Standard – ${ORG} (RXX)`).kind).toBe('request');
  });

  it('says from when a renewal is accepted if it is not yet', () => {
    const early = awardExpiryReminderEmail({ ...expiring, daysLeft: 120 });
    expect(flat(early.text)).toContain('You can apply to renew it from Tuesday 2 January 2029.');
    expect(flat(early.text)).toContain('From Tuesday 2 January 2029, write a new email');
    const custom = awardExpiryReminderEmail({ ...expiring, daysLeft: 90, renewalOpensOn: '2029-02-01' });
    expect(flat(custom.text)).toContain('You can apply to renew it from Thursday 1 February 2029.');
  });
});

describe('awardExpiredEmail', () => {
  it('says the award has expired and how to apply again', () => {
    const email = awardExpiredEmail(expired);
    const text = flat(email.text);
    expect(email.subject).toMatch(/^Your silver award has expired – /);
    expect(text).toContain('Please stop displaying the quality standard logo and certificate');
    expect(text).toContain('You can apply again at any time.');
    expect(email.text).toContain(`    Work Experience Quality Standard – ${ORG}\n`);
  });
});

describe('awardCurrentEmail', () => {
  it('says which level is held until when, and from when a renewal is accepted', () => {
    const email = awardCurrentEmail(current);
    const text = flat(email.text);
    expect(email.subject).toMatch(/^Your organisation already holds an award – /);
    expect(text).toContain(`${ORG} already holds the standard at bronze level. It was awarded on Friday 2 April 2027 and is valid until the end of Monday 2 April 2029 (UK time).`);
    expect(text).toContain('We have not set up a new application.');
    expect(text).toContain('You can apply to renew from Tuesday 2 January 2029.');
  });
});

// ---------------------------------------------------------------------------------------------
// 10–11. Reviews resumed, reminders stopped
// ---------------------------------------------------------------------------------------------

describe('reviewsResumedEmail', () => {
  it('gives the new dates to someone who applied while reviews were paused', () => {
    const email = reviewsResumedEmail(resumed);
    const text = flat(email.text);
    expect(email.subject).toMatch(/^Review dates published – /);
    expect(text).toContain('reviews of applications were paused');
    expect(text).toContain('your application will be in our 2027/28 Cycle 1 review');
    expect(text).toContain('The submission deadline is the end of Tuesday 18 May 2027 (UK time).');
    expect(text).toContain('We will send you our decision between Wednesday 28 July 2027 and Wednesday 11 August 2027.');
  });
});

describe('remindersStoppedEmail', () => {
  it('confirms reminders are off and says how to turn them back on', () => {
    const email = remindersStoppedEmail(stopped);
    const text = flat(email.text);
    expect(email.subject).toMatch(/^Reminders turned off – /);
    expect(text).toContain('we will not send you any more reminder emails');
    expect(text).toContain('Your submission deadline is the end of Monday 18 January 2027 (UK time).');
    expect(text).toContain('To turn reminders back on, reply to this email with "START REMINDERS" in the subject.');
  });
});
