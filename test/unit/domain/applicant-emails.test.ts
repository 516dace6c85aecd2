import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALLOWED_ATTRIBUTES, ALLOWED_TAGS, attributesIn, hostileText, hrefs, tagsIn } from '../../support/email-markup.js';
import {
  alreadyAppliedEmail,
  applicationOpenedEmail,
  greetingName,
  identifyOrganisationEmail,
  MAX_LISTED_CANDIDATES,
  ODS_SEARCH_URL,
  reviewsPausedText,
  subjectFormatHelpEmail,
  type AlreadyAppliedEmailInput,
  type ApplicationOpenedEmailInput,
  type EmailContent,
  type IdentifyOrganisationEmailInput,
  type SubjectFormatHelpEmailInput,
} from '../../../src/domain/applicant-emails.js';
import { AWARD_DOCUMENT_THRESHOLDS } from '../../../src/domain/award.js';
import { classifySubject } from '../../../src/domain/request-subject.js';
import { extractIdentifiers } from '../../../src/domain/organisation-name.js';
import { ukEndOfDay } from '../../../src/domain/uk-dates.js';
import { frameworkSectionsCatalogue } from '../../../src/domain/criteria-catalogue.js';
const catalogue = frameworkSectionsCatalogue();

const FOLDER_URL = 'https://contoso.sharepoint.com/sites/weqs/Applications/WEQS-2026-0042%20Northshire';
const FORM_URL = `${FOLDER_URL}/WEQS-2026-0042%20Application%20form.docx`;
const SUPPORT = 'workexperience@example.nhs.uk';
const INBOX = 'workexperience@example.nhs.uk';

const sections = catalogue.sections.map((section) => ({ title: section.title, folderName: section.folderName }));

const opened: ApplicationOpenedEmailInput = {
  requesterName: 'Jane Smith',
  organisationName: 'Northshire Hospitals NHS Foundation Trust',
  odsCode: 'RXX',
  reference: 'WEQS-2026-0042',
  folderUrl: FOLDER_URL,
  formUrl: FORM_URL,
  formFileName: 'WEQS-2026-0042 Application form.docx',
  sections,
  nextCycle: { name: '2026/27 Cycle 2', submissionDeadline: ukEndOfDay('2027-01-18'), decisionsOpen: '2027-03-31', decisionsClose: '2027-04-14' },
  supportAddress: SUPPORT,
};
/** The same email when no cycle is published. */
const { nextCycle: _nextCycle, ...openedWithoutCycle } = opened;

const alreadyOther: AlreadyAppliedEmailInput = {
  requesterName: 'Ahmed Khan',
  organisationName: 'Northshire Hospitals NHS Foundation Trust',
  sameRequester: false,
  supportAddress: SUPPORT,
};

const alreadySame: AlreadyAppliedEmailInput = {
  requesterName: 'Jane Smith',
  organisationName: 'Northshire Hospitals NHS Foundation Trust',
  sameRequester: true,
  reference: 'WEQS-2026-0042',
  folderUrl: FOLDER_URL,
  supportAddress: SUPPORT,
};

const formatHelp: SubjectFormatHelpEmailInput = {
  requesterName: 'Sam Jones',
  receivedSubject: 'Work Experience Quality Standard – [health organisation name]',
  reason: 'placeholder-name',
  inboxAddress: INBOX,
  supportAddress: SUPPORT,
};

const identify: IdentifyOrganisationEmailInput = {
  requesterName: 'Sam Jones',
  requestedName: 'The Surgery',
  candidates: [
    { name: 'The Surgery', odsCode: 'B82005', postcode: 'LS1 4AP', kind: 'gp-practice' },
    { name: 'The Surgery', odsCode: 'Y01234', postcode: 'NE1 4LP', kind: 'gp-practice' },
  ],
  inboxAddress: INBOX,
  supportAddress: SUPPORT,
};

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  'A & B',
  '</title><script>alert(1)</script>',
  'Bwrdd Iechyd Prifysgol Betsi Cadwaladr – Ysbyty Gwynedd ŵŷ',
  'مستشفى النور التخصصي',
  '🏥 Northshire Care 👩‍⚕️',
  'N'.repeat(300),
];

/** Every email, with `text` in every field that comes from an email. */
function allEmails(text: string): Record<string, EmailContent> {
  return {
    opened: applicationOpenedEmail({ ...opened, requesterName: text, organisationName: text, odsCode: text, formFileName: text, reviewsPausedMessage: text }),
    openedPaused: applicationOpenedEmail({ ...openedWithoutCycle, requesterName: text, organisationName: text, reviewsPausedMessage: text }),
    alreadyOther: alreadyAppliedEmail({ ...alreadyOther, requesterName: text, organisationName: text }),
    alreadySame: alreadyAppliedEmail({ ...alreadySame, requesterName: text, organisationName: text }),
    formatHelp: subjectFormatHelpEmail({ ...formatHelp, requesterName: text, receivedSubject: text }),
    identify: identifyOrganisationEmail({
      ...identify,
      requesterName: text,
      requestedName: text,
      candidates: [{ name: text, odsCode: text, postcode: text, kind: text }],
    }),
  };
}

/** The text a reader sees, for comparing wording regardless of wrapping. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('applicationOpenedEmail', () => {
  const email = applicationOpenedEmail(opened);

  it('says the award is free of charge, as the standard does', () => {
    expect(email.text).toContain('The award is free of charge.');
  });

  it('never promises a later cycle the calendar may not hold: one "we publish"', () => {
    expect(email.text.replace(/\s+/g, ' ')).toContain('it will move to the next review cycle we publish.');
  });

  it('names the organisation and the reference in the subject, without RE:', () => {
    expect(email.subject).toBe('Work Experience Quality Standard – Northshire Hospitals NHS Foundation Trust (WEQS-2026-0042)');
  });

  it('is an accessible HTML document: language, title, headings, lists', () => {
    expect(email.html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(email.html).toContain('<html lang="en-GB">');
    expect(email.html).toContain(`<title>${email.subject}</title>`);
    expect(email.html.match(/<h1>/g)).toHaveLength(1);
    expect(email.html).toContain('<h2>What you need to do</h2>');
    expect(email.html).toContain('<h2>Evidence rules</h2>');
    expect(email.html).toContain('<ol>');
    expect(email.html).not.toMatch(/<table|<img|<script/i);
    expect(email.html).not.toMatch(/click here/i);
    for (const tag of tagsIn(email.html)) expect(ALLOWED_TAGS).toContain(tag);
  });

  it('links the folder and the form with descriptive text, and gives the full URLs in the text part', () => {
    expect(email.html).toContain(`<a href="${FOLDER_URL}">Open your evidence folder</a>`);
    expect(email.html).toContain(`<a href="${FORM_URL}">Open your application form</a>`);
    expect(email.text).toContain(`Open your evidence folder:\n${FOLDER_URL}\n`);
    expect(email.text).toContain(`Open your application form:\n${FORM_URL}\n`);
  });

  it('has the same links in the HTML and the text part', () => {
    for (const href of hrefs(email.html)) expect(email.text).toContain(href.replace(/^mailto:/, ''));
  });

  it('explains the private folder, signing in and the personalised form', () => {
    expect(flat(email.text)).toContain('Only you and the national work experience team can see it.');
    expect(flat(email.text)).toContain('sign in with the work account');
    expect(flat(email.text)).toContain('personalised application form, WEQS-2026-0042 Application form.docx');
  });

  it('asks for every commentary box, with file names and page numbers', () => {
    expect(flat(email.text)).toMatch(/Complete every supporting commentary box/);
    expect(flat(email.text)).toMatch(/file names and page numbers/);
  });

  it('lists the section folders by name, in both parts', () => {
    expect(flat(email.text)).toContain('six section folders');
    for (const section of sections) {
      expect(email.text).toContain(section.folderName);
      expect(email.html).toContain(`<li>${section.folderName}</li>`);
    }
  });

  it('gives the evidence rules, with document counts from the award thresholds', () => {
    const text = flat(email.text);
    expect(text).toContain('dated within the 12 months before the submission deadline');
    expect(text).toContain('anonymised');
    expect(text).toContain(`${AWARD_DOCUMENT_THRESHOLDS.bronze} completed documents for a bronze award`);
    expect(text).toContain(`${AWARD_DOCUMENT_THRESHOLDS.silver} completed documents for a silver award`);
    expect(text).toContain(`${AWARD_DOCUMENT_THRESHOLDS.gold} completed documents for a gold award`);
    expect(text).toContain('face-to-face work experience');
  });

  it('gives the deadline and the decision window as UK dates, in both parts', () => {
    for (const part of [flat(email.text), flat(email.html)]) {
      expect(part).toContain('the end of Monday 18 January 2027 (UK time)');
      expect(part).toContain('between Wednesday 31 March 2027 and Wednesday 14 April 2027');
    }
  });

  it('shows the UK date of a deadline that ends in BST, not the UTC date', () => {
    // The end of 18 June 2027 in BST is 22:59:59.999 UTC on the same day, and the end of a GMT
    // day is 23:59:59.999 UTC; both must read as the UK date.
    const summer = applicationOpenedEmail({ ...opened, nextCycle: { ...opened.nextCycle!, submissionDeadline: ukEndOfDay('2027-06-18') } });
    expect(flat(summer.text)).toContain('the end of Friday 18 June 2027 (UK time)');
    const winter = applicationOpenedEmail({ ...opened, nextCycle: { ...opened.nextCycle!, submissionDeadline: ukEndOfDay('2027-10-31') } });
    expect(flat(winter.text)).toContain('the end of Sunday 31 October 2027 (UK time)');
  });

  it('shows the paused message when no cycle is published', () => {
    const paused = applicationOpenedEmail(openedWithoutCycle);
    expect(flat(paused.text)).toContain(reviewsPausedText);
    expect(paused.text).not.toContain('deadline is');
    const custom = applicationOpenedEmail({ ...openedWithoutCycle, reviewsPausedMessage: 'Reviews restart in spring.\n\nWe will email you.' });
    expect(custom.text).toContain('Reviews restart in spring.\n\nWe will email you.');
    expect(custom.text).not.toContain(reviewsPausedText);
  });

  it('ignores the paused message while a cycle is published', () => {
    const withCycle = applicationOpenedEmail({ ...opened, reviewsPausedMessage: 'Paused!' });
    expect(withCycle.text).not.toContain('Paused!');
  });

  it('gives the reference to quote and the support address', () => {
    expect(flat(email.text)).toContain('Your application reference is WEQS-2026-0042. Please quote it');
    expect(email.html).toContain(`<a href="mailto:${SUPPORT}">${SUPPORT}</a>`);
  });

  it('wraps the text part for reading, except URLs and example lines', () => {
    for (const line of email.text.split('\n')) {
      if (!line.startsWith('https://') && !line.startsWith('    ')) expect([...line].length).toBeLessThanOrEqual(72);
    }
  });

  it('greets by name, or with a plain "Hello," when there is no usable name', () => {
    expect(email.text).toContain('Hello Jane Smith,');
    const { requesterName: _requesterName, ...anonymous } = opened;
    expect(applicationOpenedEmail(anonymous).text).toContain('\nHello,\n');
  });

  it('keeps a very long organisation name out of a too-long subject', () => {
    const long = applicationOpenedEmail({ ...opened, organisationName: 'N'.repeat(300) });
    expect([...long.subject].length).toBeLessThanOrEqual(255);
    expect(long.subject.endsWith('… (WEQS-2026-0042)')).toBe(true);
  });

  it('refuses links that are not absolute https', () => {
    expect(() => applicationOpenedEmail({ ...opened, folderUrl: 'javascript:alert(1)' })).toThrow(TypeError);
    expect(() => applicationOpenedEmail({ ...opened, formUrl: 'http://contoso.sharepoint.com/form.docx' })).toThrow(TypeError);
  });
});

describe('alreadyAppliedEmail', () => {
  it('tells a different requester only that an application exists: no link, no reference, no name', () => {
    const email = alreadyAppliedEmail({ ...alreadyOther, reference: 'WEQS-2026-0042', folderUrl: FOLDER_URL });
    for (const part of [email.subject, email.html, email.text]) {
      expect(part).not.toContain('WEQS-2026-0042');
      expect(part).not.toContain('sharepoint');
      expect(part).not.toContain('Jane');
    }
    expect(hrefs(email.html).every((href) => href.startsWith('mailto:'))).toBe(true);
    const text = flat(email.text);
    expect(text).toContain('only one application from each organisation');
    expect(text).toContain('Speak to colleagues');
    expect(text).toContain('We will be in touch');
    expect(text).toContain(`If you think this is wrong`);
    expect(text).toContain(SUPPORT);
  });

  it('reminds the same requester of their reference and folder', () => {
    const email = alreadyAppliedEmail(alreadySame);
    expect(email.subject).toContain('Northshire Hospitals NHS Foundation Trust');
    expect(email.subject).toContain('WEQS-2026-0042');
    expect(email.html).toContain(`<a href="${FOLDER_URL}">Open your evidence folder</a>`);
    expect(email.text).toContain(FOLDER_URL);
    expect(flat(email.text)).toContain('Your application reference is WEQS-2026-0042.');
  });

  it('has an accessible HTML document', () => {
    const email = alreadyAppliedEmail(alreadyOther);
    expect(email.html).toContain('<html lang="en-GB">');
    expect(email.html).toContain('<h1>Your organisation has already applied</h1>');
    expect(email.html).toContain(`<title>${email.subject}</title>`);
  });
});

describe('subjectFormatHelpEmail', () => {
  it.each([
    ['missing-name', 'did not include the name of your organisation'],
    ['placeholder-name', 'still had the words from our instructions'],
    ['unusable-name', 'no longer than 200 characters'],
  ] as const)('explains a %s subject in plain words', (reason, wording) => {
    expect(flat(subjectFormatHelpEmail({ ...formatHelp, reason }).text)).toContain(wording);
  });

  it('quotes the subject received, escaped, and gives the exact format with an example the parser accepts', () => {
    const email = subjectFormatHelpEmail({ ...formatHelp, receivedSubject: 'Work Experience Quality Standard – <b>x</b>' });
    expect(email.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(email.text).toContain('    Work Experience Quality Standard – <b>x</b>');
    const example = '    Work Experience Quality Standard – Northshire Hospitals NHS Foundation Trust';
    expect(email.text).toContain(example);
    expect(classifySubject(example.trim())).toEqual({ kind: 'request', organisationName: 'Northshire Hospitals NHS Foundation Trust' });
    expect(flat(email.text)).toContain(`Write a new email (do not reply to this one) to ${INBOX}`);
  });

  it('says when there was no subject at all', () => {
    expect(subjectFormatHelpEmail({ ...formatHelp, receivedSubject: '  ' }).text).toContain('Your email had no subject.');
  });
});

describe('identifyOrganisationEmail', () => {
  const email = identifyOrganisationEmail(identify);

  it('lists the organisations it could be, with ODS codes and postcodes', () => {
    expect(email.text).toContain('- The Surgery (GP practice): ODS code B82005, postcode LS1 4AP');
    expect(email.text).toContain('- The Surgery (GP practice): ODS code Y01234, postcode NE1 4LP');
    expect(flat(email.text)).toContain('More than one organisation has this name');
  });

  it('asks for a new request with the ODS code or postcode, with examples the parser reads', () => {
    const odsExample = 'Work Experience Quality Standard – The Surgery (B82005)';
    const postcodeExample = 'Work Experience Quality Standard – The Surgery (LS1 4AP)';
    expect(email.text).toContain(`    ${odsExample}`);
    expect(email.text).toContain(`    ${postcodeExample}`);
    const ods = classifySubject(odsExample);
    const postcode = classifySubject(postcodeExample);
    expect(ods.kind === 'request' && extractIdentifiers(ods.organisationName).odsCodes).toEqual(['B82005']);
    expect(postcode.kind === 'request' && extractIdentifiers(postcode.organisationName).postcodes).toEqual(['LS1 4AP']);
  });

  it('says where to find an ODS code', () => {
    expect(email.html).toContain(`<a href="${ODS_SEARCH_URL}">Search for your ODS code</a>`);
    expect(email.text).toContain(ODS_SEARCH_URL);
    expect(flat(email.text)).toContain('ODS portal');
    expect(flat(email.text)).toContain('ask your IT or information governance team');
  });

  it('works with no candidates', () => {
    const none = identifyOrganisationEmail({ ...identify, candidates: [] });
    expect(flat(none.text)).toContain('could not be sure which organisation this is');
    expect(none.text).not.toContain('Organisations it could be');
  });

  it(`lists at most ${MAX_LISTED_CANDIDATES} organisations and counts the rest`, () => {
    const candidates = Array.from({ length: 10 }, (_unused, index) => ({ name: `Practice ${index}`, odsCode: `B8200${index}`, kind: 'gp-practice' }));
    const many = identifyOrganisationEmail({ ...identify, candidates });
    expect(many.text).toContain('Practice 7');
    expect(many.text).not.toContain('Practice 8');
    expect(flat(many.text)).toContain('There are 2 more organisations');
  });
});

describe('every applicant email', () => {
  it('gives replies subjects that are not themselves requests, except the one naming the application', () => {
    const subjects = [
      alreadyAppliedEmail(alreadyOther).subject,
      alreadyAppliedEmail(alreadySame).subject,
      subjectFormatHelpEmail(formatHelp).subject,
      identifyOrganisationEmail(identify).subject,
    ];
    for (const subject of subjects) {
      expect(subject).not.toMatch(/^re:/i);
      expect(classifySubject(`RE: ${subject}`)).toEqual({ kind: 'not-a-request' });
    }
  });

  it.each(HOSTILE)('escapes %j everywhere it appears', (hostile) => {
    for (const [name, email] of Object.entries(allEmails(hostile))) {
      expect(email.html, name).not.toMatch(/<script|<img/i);
      for (const attribute of attributesIn(email.html)) expect(ALLOWED_ATTRIBUTES, name).toContain(attribute);
      for (const tag of tagsIn(email.html)) expect(ALLOWED_TAGS, name).toContain(tag);
      expect(email.subject, name).not.toMatch(/[\r\n]/);
      expect(email.html, name).toContain('<html lang="en-GB">');
      expect(email.html, name).toContain('<title>');
    }
  });

  it('keeps A & B readable in both parts', () => {
    const email = applicationOpenedEmail({ ...opened, organisationName: 'A & B Healthcare' });
    expect(email.html).toContain('<bdi>A &amp; B Healthcare</bdi>');
    expect(email.text).toContain('A & B Healthcare');
    expect(email.subject).toContain('A & B Healthcare');
  });

  it('keeps Welsh, Arabic and emoji names intact', () => {
    for (const name of ['Bwrdd Iechyd Prifysgol Betsi Cadwaladr', 'مستشفى النور', '🏥 Northshire Care 👩‍⚕️']) {
      const email = applicationOpenedEmail({ ...opened, organisationName: name });
      expect(email.subject).toContain(name);
      expect(email.html).toContain(`<bdi>${name}</bdi>`);
      expect(flat(email.text)).toContain(name);
    }
  });

  it('never lets any input produce a tag or an attribute of its own', () => {
    fc.assert(
      fc.property(hostileText(300), (text) => {
        for (const email of Object.values(allEmails(text))) {
          expect(email.html.toLowerCase()).not.toContain('<script');
          for (const tag of tagsIn(email.html)) expect(ALLOWED_TAGS).toContain(tag);
          for (const attribute of attributesIn(email.html)) expect(ALLOWED_ATTRIBUTES).toContain(attribute);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('greetingName', () => {
  it.each([
    ['Jane Smith', 'Jane Smith'],
    ['SMITH, Jane (NORTHSHIRE HOSPITALS NHS FOUNDATION TRUST)', 'Jane SMITH'],
    ['"Jane Smith"', 'Jane Smith'],
    ['  Jane\n Smith ', 'Jane Smith'],
    ['jane.smith@nhs.net', undefined],
    ['', undefined],
    ['12345', undefined],
    ['N'.repeat(300), undefined],
    [undefined, undefined],
  ])('%j → %j', (input, expected) => {
    expect(greetingName(input)).toBe(expected);
  });
});

describe('reviewsPausedText', () => {
  it('is the agreed default wording', () => {
    expect(reviewsPausedText).toBe('Reviews of applications are paused at the moment. We will email you when new review dates are published.');
  });
});
