import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allText, facts, joined } from '../../support/card-text.js';
import { CARD_PAYLOAD_BUDGET_BYTES, cardPayloadBytes, type TeamsWebhookPayload } from '../../../src/domain/card-toolkit.js';
import { cardPayloadProblems } from '../../support/card-payload-problems.js';
import { duplicateRequestCard, MAX_CARD_CANDIDATES, needsIdentifyingCard, newApplicationCard, processingFailedCard, untrustedSenderCard, type DuplicateRequestCardInput, type NeedsIdentifyingCardInput, type NewApplicationCardInput, type ProcessingFailedCardInput, type UntrustedSenderCardInput } from '../../../src/domain/request-cards.js';
import { formatUkDateTime } from '../../../src/domain/uk-dates.js';
import { ukEndOfDay } from '../../../src/domain/uk-dates.js';

const FOLDER_URL = 'https://contoso.sharepoint.com/sites/weqs/Applications/WEQS-2026-0042%20Northshire';
const LIST_URL = 'https://contoso.sharepoint.com/sites/weqs/Lists/Applications';

const newApplication: NewApplicationCardInput = {
  organisationName: 'Northshire Hospitals NHS Foundation Trust',
  odsCode: 'RXX',
  organisationKey: 'ods:RXX',
  reference: 'WEQS-2026-0042',
  requesterName: 'Jane Smith',
  requesterAddress: 'jane.smith@nhs.net',
  receivedAt: new Date('2026-11-25T14:05:00Z'),
  folderUrl: FOLDER_URL,
  listUrl: LIST_URL,
  targetCycle: { name: '2026/27 Cycle 2', submissionDeadline: ukEndOfDay('2027-01-18') },
};

const duplicate: DuplicateRequestCardInput = {
  organisationName: 'Northshire Hospitals NHS Foundation Trust',
  organisationKey: 'ods:RXX',
  existing: { reference: 'WEQS-2026-0042', requesterName: 'Jane Smith', requesterAddress: 'jane.smith@nhs.net', receivedAt: new Date('2026-11-25T14:05:00Z') },
  incoming: {
    requesterName: 'Ahmed Khan',
    requesterAddress: 'ahmed.khan@nhs.net',
    receivedAt: new Date('2026-12-02T09:30:00Z'),
    subject: 'Work Experience Quality Standard – Northshire Hospitals NHS Foundation Trust',
  },
  listUrl: LIST_URL,
};

const needsIdentifying: NeedsIdentifyingCardInput = {
  requestedName: 'The Surgery',
  requesterName: 'Sam Jones',
  requesterAddress: 'sam.jones@nhs.net',
  receivedAt: new Date('2026-11-25T14:05:00Z'),
  reason: 'ambiguous',
  candidates: [
    { name: 'The Surgery', odsCode: 'B82005', postcode: 'LS1 4AP' },
    { name: 'The Surgery', odsCode: 'Y01234' },
  ],
};

const untrusted: UntrustedSenderCardInput = {
  fromAddress: 'ceo@northshire.nhs.uk',
  fromName: 'Chief Executive',
  subject: 'Work Experience Quality Standard – Northshire Hospitals NHS Foundation Trust',
  receivedAt: new Date('2026-11-25T14:05:00Z'),
  authentication: { spf: 'fail', dkim: 'none', dmarc: 'fail', compauth: 'fail' },
};

const failed: ProcessingFailedCardInput = {
  subject: 'Work Experience Quality Standard – Northshire Hospitals NHS Foundation Trust',
  fromAddress: 'jane.smith@nhs.net',
  receivedAt: new Date('2026-11-25T14:05:00Z'),
  messageId: 'AAMkAGI2TG93AAA=',
  errorSummary: 'SharePoint refused to create the folder (403 accessDenied).',
  attempts: 5,
  replayHint: 'npm run weqs -- replay-failed',
};

function allCards(overrides: { text?: string; address?: string } = {}): Record<string, TeamsWebhookPayload> {
  const text = overrides.text;
  const address = overrides.address ?? text;
  return {
    newApplication: newApplicationCard(
      text === undefined
        ? newApplication
        : {
            ...newApplication,
            organisationName: text,
            odsCode: text,
            organisationKey: text,
            reference: text,
            requesterName: text,
            requesterAddress: address ?? text,
            targetCycle: { name: text, submissionDeadline: ukEndOfDay('2027-01-18') },
          },
    ),
    duplicate: duplicateRequestCard(
      text === undefined
        ? duplicate
        : {
            ...duplicate,
            organisationName: text,
            organisationKey: text,
            existing: { ...duplicate.existing, reference: text, requesterName: text, requesterAddress: address ?? text },
            incoming: { ...duplicate.incoming, requesterName: text, requesterAddress: `${address ?? text}x`, subject: text },
          },
    ),
    needsIdentifying: needsIdentifyingCard(
      text === undefined
        ? needsIdentifying
        : {
            ...needsIdentifying,
            requestedName: text,
            requesterName: text,
            requesterAddress: address ?? text,
            candidates: Array.from({ length: 20 }, () => ({ name: text, odsCode: text, postcode: text })),
          },
    ),
    untrusted: untrustedSenderCard(
      text === undefined
        ? untrusted
        : { ...untrusted, fromAddress: address ?? text, fromName: text, subject: text, authentication: { spf: text, dkim: text, dmarc: text, compauth: text } },
    ),
    failed: processingFailedCard(
      text === undefined ? failed : { ...failed, subject: text, fromAddress: address ?? text, messageId: text, errorSummary: text, replayHint: text },
    ),
  };
}

describe('every staff card', () => {
  it('is a Workflows webhook payload carrying one Adaptive Card 1.4', () => {
    for (const [name, payload] of Object.entries(allCards())) {
      expect(payload.type, name).toBe('message');
      expect(payload.attachments).toHaveLength(1);
      expect(payload.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(payload.attachments[0].contentUrl).toBeNull();
      expect(payload.attachments[0].content.version).toBe('1.4');
      expect(payload.attachments[0].content.type).toBe('AdaptiveCard');
    }
  });

  it('passes the structural check: allowed elements and actions only, https links, wrapping text', () => {
    for (const [name, payload] of Object.entries(allCards())) expect(cardPayloadProblems(payload), name).toEqual([]);
  });

  it('has no empty facts, and shows a value that was blank as "(blank)"', () => {
    for (const payload of [...Object.values(allCards()), ...Object.values(allCards({ text: ' \n ' }))]) {
      expect(cardPayloadProblems(payload)).toEqual([]);
      for (const value of facts(payload).values()) expect(value).not.toBe('');
    }
    expect(facts(newApplicationCard({ ...newApplication, organisationName: '\t' })).get('Organisation')).toBe('(blank)');
  });

  it.each([
    ['ampersands', '&'],
    ['backslashes', '\\'],
    ['emoji', '👩‍⚕️'],
    ['lone surrogates', '\uD800'],
    ['quotes', '"'],
    ['markdown', '*_[]()'],
    ['letters', 'a'],
  ])('stays under the size budget with 10 KB of %s in every field', (_name, unit) => {
    const text = unit.repeat(Math.ceil(10_240 / unit.length));
    for (const [name, payload] of Object.entries(allCards({ text }))) {
      expect(cardPayloadBytes(payload), name).toBeLessThan(CARD_PAYLOAD_BUDGET_BYTES);
      expect(cardPayloadProblems(payload), name).toEqual([]);
    }
  });

  it('stays valid and under 28 KB whatever text arrives', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 10_240 }), (text) => {
        for (const payload of Object.values(allCards({ text }))) {
          expect(cardPayloadProblems(payload)).toEqual([]);
          expect(cardPayloadBytes(payload)).toBeLessThan(28 * 1024);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('escapes markup and markdown from emails so it shows as typed', () => {
    const hostile = '**Evil** [Open folder](https://evil.example) <script>alert(1)</script> "><img src=x onerror=alert(1)>';
    for (const [name, payload] of Object.entries(allCards({ text: hostile, address: 'x_y@evil.example' }))) {
      const json = JSON.stringify(payload);
      expect(json, name).not.toContain('<script');
      expect(json, name).not.toContain('<img');
      expect(json, name).not.toContain('[Open folder](');
      expect(json, name).not.toContain('**Evil**');
      // Shown as typed, with the link disabled (issue 8 item 9).
      expect(joined(payload), name).toContain('&#42;&#42;Evil&#42;&#42; &#91;Open folder&#93;(https&#91;:&#93;//evil&#91;.&#93;example)');
      expect(joined(payload), name).toContain('&lt;script&gt;');
    }
  });

  it('turns a multi-line subject into one line so it cannot start a list', () => {
    const payload = untrustedSenderCard({ ...untrusted, subject: 'Hello\n- [click](https://evil.example)\n1. two' });
    expect(facts(payload).get('Subject')).toBe('Hello - &#91;click&#93;(https&#91;:&#93;//evil&#91;.&#93;example) 1. two');
  });

  it('refuses links that are not absolute https', () => {
    expect(() => newApplicationCard({ ...newApplication, folderUrl: 'javascript:alert(1)' })).toThrow(TypeError);
    expect(() => newApplicationCard({ ...newApplication, listUrl: 'http://contoso.sharepoint.com/' })).toThrow(TypeError);
    expect(() => duplicateRequestCard({ ...duplicate, listUrl: '/sites/weqs' })).toThrow(TypeError);
  });
});

describe('formatUkDateTime', () => {
  it('shows UK time in winter (GMT)', () => {
    expect(formatUkDateTime(new Date('2026-11-25T14:05:00Z'))).toBe('25 Nov 2026, 14:05');
  });

  it('shows UK time in summer (BST), including a late evening that is already the next day in the UK', () => {
    expect(formatUkDateTime(new Date('2026-07-01T13:05:00Z'))).toBe('1 Jul 2026, 14:05');
    expect(formatUkDateTime(new Date('2026-06-30T23:30:00Z'))).toBe('1 Jul 2026, 00:30');
  });

  it('handles the clock changes', () => {
    expect(formatUkDateTime(new Date('2027-03-28T00:59:00Z'))).toBe('28 Mar 2027, 00:59');
    expect(formatUkDateTime(new Date('2027-03-28T01:00:00Z'))).toBe('28 Mar 2027, 02:00');
    expect(formatUkDateTime(new Date('2026-10-25T00:30:00Z'))).toBe('25 Oct 2026, 01:30');
    expect(formatUkDateTime(new Date('2026-10-25T01:30:00Z'))).toBe('25 Oct 2026, 01:30');
  });
});

describe('newApplicationCard', () => {
  it('says what happened and links to the folder and the list', () => {
    const payload = newApplicationCard(newApplication);
    const card = payload.attachments[0].content;
    expect(allText(payload)[0]).toBe('New application');
    expect(facts(payload).get('Organisation')).toBe('Northshire Hospitals NHS Foundation Trust');
    expect(facts(payload).get('ODS code')).toBe('RXX');
    expect(facts(payload).get('Reference')).toBe('WEQS-2026-0042');
    expect(facts(payload).get('Requested by')).toBe('Jane Smith (jane.smith@nhs.net)');
    expect(facts(payload).get('Received')).toBe('25 Nov 2026, 14:05');
    expect(facts(payload).get('Review cycle')).toBe('2026/27 Cycle 2, deadline 18 Jan 2027');
    expect(facts(payload).get('Organisation key')).toBe('ods:RXX');
    expect(card.actions?.map((action) => action.url)).toEqual([FOLDER_URL, LIST_URL]);
  });

  it('says when the organisation was matched by name only and when no cycle is published', () => {
    const { odsCode: _odsCode, targetCycle: _targetCycle, requesterName: _requesterName, ...rest } = newApplication;
    const payload = newApplicationCard(rest);
    expect(facts(payload).get('ODS code')).toMatch(/not known/i);
    expect(facts(payload).get('Review cycle')).toMatch(/paused/);
    expect(facts(payload).get('Requested by')).toBe('jane.smith@nhs.net');
  });

  it('shows the UK date of a deadline that ends late in a BST day', () => {
    const payload = newApplicationCard({ ...newApplication, targetCycle: { name: 'C1', submissionDeadline: ukEndOfDay('2027-06-18') } });
    expect(facts(payload).get('Review cycle')).toBe('C1, deadline 18 Jun 2027');
  });
});

describe('duplicateRequestCard', () => {
  it('shows both requesters, what weqs did and what staff should decide', () => {
    const payload = duplicateRequestCard(duplicate);
    const text = joined(payload);
    expect(allText(payload)[0]).toBe('Second request for an organisation that already has an application');
    expect(text).toContain('Jane Smith (jane.smith@nhs.net)');
    expect(text).toContain('Ahmed Khan (ahmed.khan@nhs.net)');
    expect(text).toContain('WEQS-2026-0042');
    expect(text).toContain('25 Nov 2026, 14:05');
    expect(text).toContain('2 Dec 2026, 09:30');
    expect(text).toMatch(/polite reply/);
    expect(text).toMatch(/created nothing/);
    expect(text).toMatch(/What to decide/);
    expect(text).toMatch(/did not share the folder/);
    expect(payload.attachments[0].content.actions?.map((action) => action.url)).toEqual([LIST_URL]);
  });

  it('recognises the same requester asking again, whatever the case of the address', () => {
    const payload = duplicateRequestCard({ ...duplicate, incoming: { ...duplicate.incoming, requesterAddress: ' Jane.Smith@NHS.net ' } });
    expect(joined(payload)).toMatch(/same person asked again/);
    expect(joined(payload)).toMatch(/reminder of their reference and folder link/);
  });
});

describe('needsIdentifyingCard', () => {
  it('lists the candidates with their ODS codes and postcodes', () => {
    const payload = needsIdentifyingCard(needsIdentifying);
    expect(allText(payload)[0]).toBe('Possible duplicate / needs identifying');
    expect(facts(payload).get('B82005')).toBe('The Surgery, LS1 4AP');
    expect(facts(payload).get('Y01234')).toBe('The Surgery');
    expect(joined(payload)).toMatch(/asked the requester to send a new request with their ODS code or postcode/);
  });

  it('explains similar names differently from an ambiguous name', () => {
    const payload = needsIdentifyingCard({ ...needsIdentifying, reason: 'similar-names' });
    expect(joined(payload)).toMatch(/not in the organisation directory/);
    expect(joined(payload)).toMatch(/Similar organisations/);
  });

  it(`shows at most ${MAX_CARD_CANDIDATES} candidates and counts the rest`, () => {
    const candidates = Array.from({ length: 11 }, (_unused, index) => ({ name: `Practice ${index}`, odsCode: `B8200${index}` }));
    const payload = needsIdentifyingCard({ ...needsIdentifying, candidates });
    expect(joined(payload)).toContain('Practice 7');
    expect(joined(payload)).not.toContain('Practice 8');
    expect(joined(payload)).toContain('and 3 more');
  });

  it('needs no candidates', () => {
    const payload = needsIdentifyingCard({ ...needsIdentifying, candidates: [] });
    expect(cardPayloadProblems(payload)).toEqual([]);
  });
});

describe('untrustedSenderCard', () => {
  it('says nothing was set up and no reply was sent, and shows the authentication results', () => {
    const payload = untrustedSenderCard(untrusted);
    const text = joined(payload);
    expect(text).toMatch(/did not set anything up and did not reply/);
    expect(facts(payload).get('SPF')).toBe('fail');
    expect(facts(payload).get('DMARC')).toBe('fail');
    expect(facts(payload).get('From')).toBe('Chief Executive (ceo@northshire.nhs.uk)');
    expect(payload.attachments[0].content.actions).toBeUndefined();
  });

  it('marks results the header did not report', () => {
    const payload = untrustedSenderCard({ ...untrusted, authentication: { dmarc: 'fail' } });
    expect(facts(payload).get('SPF')).toBe('Not reported');
  });
});

describe('processingFailedCard', () => {
  it('shows the message, the error and how to retry', () => {
    const payload = processingFailedCard(failed);
    const text = joined(payload);
    expect(text).toMatch(/tried 5 times/);
    expect(text).toContain('SharePoint refused to create the folder (403 accessDenied).');
    expect(text).toContain('npm run weqs -- replay-failed');
    expect(facts(payload).get('Message ID')).toBe('AAMkAGI2TG93AAA=');
    expect(facts(payload).get('Received')).toBe('25 Nov 2026, 14:05');
  });

  it('leaves out what is not known about the message', () => {
    const payload = processingFailedCard({ messageId: 'AAMk', errorSummary: 'Timed out', attempts: 1, replayHint: 'npm run weqs -- replay-failed' });
    expect([...facts(payload).keys()]).toEqual(['Attempts', 'Message ID']);
    expect(joined(payload)).toMatch(/tried once/);
  });
});

describe('cardPayloadProblems', () => {
  const base = () => structuredClone(newApplicationCard(newApplication)) as unknown as {
    attachments: [{ content: { version: string; body: unknown[]; actions: unknown[] } }];
  };

  it('reports a wrong version, a disallowed element or action, and a link that is not https', () => {
    const payload = base();
    payload.attachments[0].content.version = '1.6';
    payload.attachments[0].content.body.push({ type: 'Image', url: 'https://x.example/a.png' });
    payload.attachments[0].content.body.push({ type: 'TextBlock', text: 'no wrap' });
    payload.attachments[0].content.actions.push({ type: 'Action.Submit', title: 'Go' });
    payload.attachments[0].content.actions.push({ type: 'Action.OpenUrl', title: 'Go', url: 'http://x.example' });
    const problems = cardPayloadProblems(payload);
    expect(problems.join('\n')).toMatch(/version must be 1\.4/);
    expect(problems.join('\n')).toMatch(/"Image" is not allowed/);
    expect(problems.join('\n')).toMatch(/must wrap/);
    expect(problems.join('\n')).toMatch(/only Action\.OpenUrl/);
    expect(problems.join('\n')).toMatch(/absolute https/);
  });

  it('reports a wrong envelope', () => {
    expect(cardPayloadProblems(null)).not.toEqual([]);
    expect(cardPayloadProblems({ type: 'message', attachments: [] })).not.toEqual([]);
  });
});
