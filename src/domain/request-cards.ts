/**
 * The staff Teams cards about inbox requests: a new application, a second request for an
 * organisation, a name that needs identifying, a sender that could not be verified, and a message
 * that could not be processed. Built with `card-toolkit.ts`, so they share its rules.
 */
import {
  factSet,
  heading,
  openUrl,
  paragraph,
  senderTextNote,
  subheading,
  toPayload,
  untrusted,
  untrustedAddress,
  type CardElement,
  type TeamsWebhookPayload,
} from './card-toolkit.js';
import { defangLinks } from './sender-text.js';
import { clipLine, escapeCardText, truncateText } from './text-escaping.js';
import { formatUkDate, formatUkDateTime } from './uk-dates.js';

// ---------------------------------------------------------------------------------------------
// Caps for values from emails, in code points before escaping. Escaping and JSON encoding can
// make one code point up to six bytes, and the caps are chosen so that the fullest card stays
// inside CARD_PAYLOAD_BUDGET_BYTES even then.
// ---------------------------------------------------------------------------------------------

const CAP = {
  organisation: 200,
  person: 120,
  address: 254,
  subject: 250,
  key: 160,
  reference: 60,
  cycle: 80,
  authentication: 40,
  messageId: 300,
  error: 800,
  hint: 160,
  odsCode: 20,
  postcode: 12,
} as const;

/** Candidates listed on a card; the rest are counted. */
export const MAX_CARD_CANDIDATES = 8;

/** "Jane Smith (jane.smith@nhs.net)", or the address alone. */
function person(name: string | undefined, address: string): string {
  const cleanAddress = untrustedAddress(address, CAP.address);
  const cleanName = name === undefined ? '' : clipLine(name, CAP.person);
  return cleanName === '' ? cleanAddress : `${escapeCardText(defangLinks(cleanName))} (${cleanAddress})`;
}

function sameAddress(a: string, b: string): boolean {
  return singleLineLower(a) === singleLineLower(b);
}

function singleLineLower(address: string): string {
  return clipLine(address, CAP.address).toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Cards
// ---------------------------------------------------------------------------------------------

export interface NewApplicationCardInput {
  organisationName: string;
  odsCode?: string;
  /** The claim key (`ods:RX1` or `name:…`), so staff can find the claim if something is wrong. */
  organisationKey: string;
  reference: string;
  requesterName?: string;
  requesterAddress: string;
  receivedAt: Date;
  folderUrl: string;
  listUrl: string;
  /** Absent when no cycle is published (reviews paused). */
  targetCycle?: { name: string; submissionDeadline: Date };
}

export function newApplicationCard(input: NewApplicationCardInput): TeamsWebhookPayload {
  const organisation = untrusted(input.organisationName, CAP.organisation);
  const cycle = input.targetCycle;
  return toPayload(
    [
      heading('New application'),
      paragraph(
        `${organisation} asked to apply. weqs set up their evidence folder and application form, shared the folder with the requester and replied with the links and dates.`,
      ),
      factSet([
        ['Organisation', organisation],
        ['ODS code', input.odsCode === undefined ? 'Not known: matched by name only' : untrusted(input.odsCode, CAP.odsCode)],
        ['Reference', untrusted(input.reference, CAP.reference)],
        ['Requested by', person(input.requesterName, input.requesterAddress)],
        ['Received', formatUkDateTime(input.receivedAt)],
        [
          'Review cycle',
          cycle === undefined
            ? 'None published: the applicant was told reviews are paused'
            : `${untrusted(cycle.name, CAP.cycle)}, deadline ${formatUkDate(cycle.submissionDeadline, 'short')}`,
        ],
        ['Organisation key', untrusted(input.organisationKey, CAP.key)],
      ]),
      paragraph('Nothing to do now.', { isSubtle: true }),
      senderTextNote(),
    ],
    [openUrl('Open evidence folder', input.folderUrl), openUrl('Open Applications list', input.listUrl)],
  );
}

export interface DuplicateRequestCardInput {
  organisationName: string;
  organisationKey: string;
  existing: { reference: string; requesterName?: string; requesterAddress: string; receivedAt: Date };
  incoming: { requesterName?: string; requesterAddress: string; receivedAt: Date; subject: string };
  listUrl: string;
}

export function duplicateRequestCard(input: DuplicateRequestCardInput): TeamsWebhookPayload {
  const organisation = untrusted(input.organisationName, CAP.organisation);
  const reference = untrusted(input.existing.reference, CAP.reference);
  const sameRequester = sameAddress(input.existing.requesterAddress, input.incoming.requesterAddress);
  const whatWeqsDid = sameRequester
    ? 'The same person asked again. weqs replied with a reminder of their reference and folder link, and created nothing new.'
    : 'weqs sent the new requester a polite reply: only one application per organisation is accepted, and the team will be in touch. It did not share the folder, the reference or the first requester’s details, and created nothing.';
  const decision = sameRequester
    ? 'Nothing to decide unless they get in touch: they may have lost the first email.'
    : 'Decide whether the new requester should work on the existing application (if so, share the folder with them and let them know), or whether the existing application should not stand. Talk to both requesters if unsure.';
  return toPayload(
    [
      heading('Second request for an organisation that already has an application'),
      paragraph(`${organisation} already has an application (${reference}). ${whatWeqsDid}`),
      subheading('Existing application'),
      factSet([
        ['Reference', reference],
        ['Requested by', person(input.existing.requesterName, input.existing.requesterAddress)],
        ['Received', formatUkDateTime(input.existing.receivedAt)],
      ]),
      subheading('New request'),
      factSet([
        ['From', person(input.incoming.requesterName, input.incoming.requesterAddress)],
        ['Received', formatUkDateTime(input.incoming.receivedAt)],
        ['Subject', untrusted(input.incoming.subject, CAP.subject)],
        ['Organisation key', untrusted(input.organisationKey, CAP.key)],
      ]),
      subheading('What to decide'),
      paragraph(escapeCardText(decision)),
      senderTextNote(),
    ],
    [openUrl('Open Applications list', input.listUrl)],
  );
}

export interface NeedsIdentifyingCardInput {
  requestedName: string;
  requesterName?: string;
  requesterAddress: string;
  receivedAt: Date;
  /**
   * `ambiguous`: several organisations fit, and the requester was asked to identify theirs.
   * `similar-names`: the name is not in the directory but is close to some that are.
   * `look-alike-characters`: the name mixes alphabets, or matches a known name only once letters
   *   that imitate Latin ones (Cyrillic "а", Greek "Ν") are read as those letters.
   */
  reason: 'ambiguous' | 'similar-names' | 'look-alike-characters';
  candidates: readonly { name: string; odsCode: string; postcode?: string }[];
}

export function needsIdentifyingCard(input: NeedsIdentifyingCardInput): TeamsWebhookPayload {
  const requested = untrusted(input.requestedName, CAP.organisation);
  const explanation =
    input.reason === 'ambiguous'
      ? `“${requested}” could be more than one organisation. weqs asked the requester to send a new request with their ODS code or postcode, and created nothing.`
      : input.reason === 'look-alike-characters'
        ? `“${requested}” uses letters from another alphabet that look like Latin ones, or mixes alphabets, so it may imitate the name of another organisation. weqs created nothing and asked the requester for their ODS code; check who they are before anything is opened.`
        : `“${requested}” is not in the organisation directory but is close to the names below. Check whether it is one of them under another name: if so, it may duplicate an application that organisation already has.`;
  const shown = input.candidates.slice(0, MAX_CARD_CANDIDATES);
  const hidden = input.candidates.length - shown.length;
  const body: CardElement[] = [
    heading('Possible duplicate / needs identifying'),
    paragraph(explanation),
    factSet([
      ['Requested name', requested],
      ['From', person(input.requesterName, input.requesterAddress)],
      ['Received', formatUkDateTime(input.receivedAt)],
    ]),
  ];
  if (shown.length > 0) {
    body.push(
      subheading(input.reason === 'ambiguous' ? 'Organisations it could be' : input.reason === 'look-alike-characters' ? 'Organisations it looks like' : 'Similar organisations'),
      factSet(
        shown.map((candidate) => {
          const postcode = candidate.postcode === undefined ? '' : clipLine(candidate.postcode, CAP.postcode);
          const name = untrusted(candidate.name, CAP.person);
          return [untrusted(candidate.odsCode, CAP.odsCode), postcode === '' ? name : `${name}, ${escapeCardText(postcode)}`] as const;
        }),
      ),
    );
    if (hidden > 0) body.push(paragraph(`and ${hidden} more`, { isSubtle: true }));
  }
  body.push(senderTextNote());
  return toPayload(body);
}

export interface UntrustedSenderCardInput {
  fromAddress: string;
  fromName?: string;
  subject: string;
  receivedAt: Date;
  authentication: { spf?: string; dkim?: string; dmarc?: string; compauth?: string };
  /** Further unverified requests until then are recorded without another card. */
  groupedUntil?: Date;
}

export function untrustedSenderCard(input: UntrustedSenderCardInput): TeamsWebhookPayload {
  const auth = input.authentication;
  const result = (value: string | undefined) => (value === undefined ? 'Not reported' : untrusted(value, CAP.authentication));
  return toPayload([
    heading('Request not acted on: the sender could not be verified'),
    {
      type: 'Container',
      style: 'attention',
      items: [
        paragraph(
          escapeCardText(
            'This email failed the checks that show it really came from the address it claims. weqs did not set anything up and did not reply: if the address was forged, a reply would go to its real owner.',
          ),
        ),
      ],
    },
    factSet([
      ['From', person(input.fromName, input.fromAddress)],
      ['Subject', untrusted(input.subject, CAP.subject)],
      ['Received', formatUkDateTime(input.receivedAt)],
      ['SPF', result(auth.spf)],
      ['DKIM', result(auth.dkim)],
      ['DMARC', result(auth.dmarc)],
      ['Composite (compauth)', result(auth.compauth)],
    ]),
    ...(input.groupedUntil ? [paragraph(escapeCardText(`This is the first such email since the hour began. Any more before ${formatUkDateTime(input.groupedUntil)} are recorded without another card (npm run weqs -- outcomes lists them).`))] : []),
    subheading('What to do'),
    paragraph(
      escapeCardText(
        'Look at the email in the inbox. If you think it is genuine, contact the sender at an address you already have for them (do not reply to this email) and agree how to go ahead.',
      ),
    ),
    senderTextNote(),
  ]);
}

export interface ProcessingFailedCardInput {
  subject?: string;
  fromAddress?: string;
  receivedAt?: Date;
  messageId: string;
  /** Already safe to show: no secrets, tokens or personal data beyond what is listed here. */
  errorSummary: string;
  attempts: number;
  /** The command that retries failed messages, e.g. `npm run weqs -- replay-failed`. */
  replayHint: string;
}

export function processingFailedCard(input: ProcessingFailedCardInput): TeamsWebhookPayload {
  const attempts = Number.isFinite(input.attempts) ? Math.max(0, Math.trunc(input.attempts)) : 0;
  const tries = attempts === 1 ? 'once' : `${attempts} times`;
  return toPayload([
    heading('An inbox message could not be processed'),
    paragraph(
      escapeCardText(
        `weqs tried ${tries} and has stopped trying. The message is still in the inbox. The sender may not have had a reply, and their application may be only partly set up.`,
      ),
    ),
    factSet([
      ['Subject', input.subject === undefined ? undefined : untrusted(input.subject, CAP.subject)],
      ['From', input.fromAddress === undefined ? undefined : untrustedAddress(input.fromAddress, CAP.address)],
      ['Received', input.receivedAt === undefined ? undefined : formatUkDateTime(input.receivedAt)],
      ['Attempts', String(attempts)],
      ['Message ID', untrusted(input.messageId, CAP.messageId)],
    ]),
    subheading('What went wrong'),
    // Kept as written (several lines are allowed) but capped, and escaped in case an error
    // message quotes something from the email.
    paragraph(input.errorSummary.trim() === '' ? 'No details were recorded.' : escapeCardText(truncateText(input.errorSummary.trim(), CAP.error))),
    subheading('What to do'),
    paragraph(
      `${escapeCardText('Fix the cause, then retry the failed messages with:')} ${untrusted(input.replayHint, CAP.hint)}. ${escapeCardText('Processing picks up where it stopped, so nothing is sent twice.')}`,
    ),
  ]);
}

