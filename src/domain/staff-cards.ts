/**
 * The Adaptive Cards weqs posts to the staff Teams channel through a Workflows webhook.
 *
 * Each function returns the whole webhook payload. A Workflows webhook answers 202 before it
 * posts, so a card Teams refuses (too big, unknown element, bad URL) disappears into the flow's
 * run history: cards are therefore built only from elements Teams renders everywhere (schema
 * 1.4), every value from an email is capped and escaped, and the payload's size is checked here.
 */
import { TZDate } from '@date-fns/tz';
import { formatUkDate, UK_TIME_ZONE } from './review-calendar.js';
import { defangLinks } from './sender-text.js';
import { clipLine, escapeCardText, isAbsoluteHttpsUrl, truncateText } from './text-escaping.js';

// ---------------------------------------------------------------------------------------------
// Card model: the subset of Adaptive Cards 1.4 that weqs uses
// ---------------------------------------------------------------------------------------------

export type CardSpacing = 'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
export type CardColor = 'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention';
export type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  size?: 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
  weight?: 'Lighter' | 'Default' | 'Bolder';
  color?: CardColor;
  isSubtle?: boolean;
  spacing?: CardSpacing;
  separator?: boolean;
}

export interface Fact {
  title: string;
  value: string;
}

export interface FactSet {
  type: 'FactSet';
  facts: Fact[];
  spacing?: CardSpacing;
  separator?: boolean;
}

export interface Column {
  type: 'Column';
  items: CardElement[];
  width?: 'auto' | 'stretch' | number;
}

export interface ColumnSet {
  type: 'ColumnSet';
  columns: Column[];
  spacing?: CardSpacing;
  separator?: boolean;
}

export interface Container {
  type: 'Container';
  items: CardElement[];
  style?: ContainerStyle;
  spacing?: CardSpacing;
  separator?: boolean;
}

export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}

export interface ActionSet {
  type: 'ActionSet';
  actions: OpenUrlAction[];
  spacing?: CardSpacing;
}

export type CardElement = TextBlock | FactSet | ColumnSet | Container | ActionSet;

export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const ADAPTIVE_CARD_VERSION = '1.4';
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface AdaptiveCard {
  $schema: typeof ADAPTIVE_CARD_SCHEMA;
  type: 'AdaptiveCard';
  version: typeof ADAPTIVE_CARD_VERSION;
  body: CardElement[];
  actions?: OpenUrlAction[];
  /** Full width reads better for fact lists in a channel; clients that do not know it ignore it. */
  msteams?: { width: 'Full' };
}

export interface CardAttachment {
  contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
  contentUrl: null;
  content: AdaptiveCard;
}

/** What a Teams Workflows webhook ("When a Teams webhook request is received") accepts. */
export interface TeamsWebhookPayload {
  type: 'message';
  attachments: [CardAttachment];
}

/** Teams refuses messages above about 28 KB. */
export const TEAMS_MESSAGE_LIMIT_BYTES = 28 * 1024;

/**
 * The size weqs keeps every payload under: failures have been reported from about 21 KB, well
 * below the documented limit, and the flow wraps the card in its own envelope.
 */
export const CARD_PAYLOAD_BUDGET_BYTES = 20_000;

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

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const BLANK = '(blank)';

/**
 * An untrusted one-line value, cleaned, capped and escaped for card markdown. A value that is
 * empty once cleaned is shown as "(blank)": staff should see that it was missing, and Teams
 * drops facts with empty values.
 */
export function untrusted(value: string, cap: number): string {
  const clean = clipLine(value, cap);
  return clean === '' ? BLANK : escapeCardText(defangLinks(clean));
}

/** A sender's address: shown as it is (staff need it), escaped; it is labelled as the sender's. */
export function untrustedAddress(value: string, cap: number): string {
  const clean = clipLine(value, cap);
  return clean === '' ? BLANK : escapeCardText(clean);
}

/** Said once on every card that shows what a sender wrote. */
export function senderTextNote(): TextBlock {
  return paragraph(escapeCardText('Names and subjects on this card are as the sender wrote them, not verified; links in them are disabled.'), { isSubtle: true, spacing: 'Medium' });
}

export function heading(title: string): TextBlock {
  return { type: 'TextBlock', text: escapeCardText(title), wrap: true, size: 'Large', weight: 'Bolder' };
}

export function subheading(title: string): TextBlock {
  return { type: 'TextBlock', text: escapeCardText(title), wrap: true, weight: 'Bolder', spacing: 'Medium' };
}

/** `text` must already be escaped (it usually mixes our words with escaped values). */
export function paragraph(text: string, options: Pick<TextBlock, 'color' | 'isSubtle' | 'spacing'> = {}): TextBlock {
  return { type: 'TextBlock', text, wrap: true, ...options };
}

/** Facts whose value is undefined are left out, so optional details leave no empty rows. */
export function factSet(facts: readonly (readonly [title: string, value: string | undefined])[]): FactSet {
  return {
    type: 'FactSet',
    facts: facts.flatMap(([title, value]) => (value === undefined ? [] : [{ title, value: value === '' ? BLANK : value }])),
  };
}

export function openUrl(title: string, url: string): OpenUrlAction {
  if (!isAbsoluteHttpsUrl(url)) throw new TypeError(`Card links must be absolute https URLs: ${JSON.stringify(truncateText(url, 80))}`);
  return { type: 'Action.OpenUrl', title: escapeCardText(title), url };
}

/** "Jane Smith (jane.smith@nhs.net)", or the address alone. */
function person(name: string | undefined, address: string): string {
  const cleanAddress = untrustedAddress(address, CAP.address);
  const cleanName = name === undefined ? '' : clipLine(name, CAP.person);
  return cleanName === '' ? cleanAddress : `${escapeCardText(defangLinks(cleanName))} (${cleanAddress})`;
}

/** "25 Nov 2026, 14:05" in UK time (GMT or BST, whichever applied at that moment). */
export function formatUkDateTime(instant: Date): string {
  const uk = new TZDate(instant.getTime(), UK_TIME_ZONE);
  const time = `${String(uk.getHours()).padStart(2, '0')}:${String(uk.getMinutes()).padStart(2, '0')}`;
  return `${formatUkDate(instant, 'short')}, ${time}`;
}

function sameAddress(a: string, b: string): boolean {
  return singleLineLower(a) === singleLineLower(b);
}

function singleLineLower(address: string): string {
  return clipLine(address, CAP.address).toLowerCase();
}

export function toPayload(body: CardElement[], actions: OpenUrlAction[] = []): TeamsWebhookPayload {
  const content: AdaptiveCard = {
    $schema: ADAPTIVE_CARD_SCHEMA,
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    body,
    ...(actions.length > 0 ? { actions } : {}),
    msteams: { width: 'Full' },
  };
  const payload: TeamsWebhookPayload = {
    type: 'message',
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content }],
  };
  // The caps make this unreachable; if a change breaks them, failing loudly here beats a card
  // that silently never appears.
  const size = cardPayloadBytes(payload);
  if (size > CARD_PAYLOAD_BUDGET_BYTES) {
    throw new RangeError(`Teams card payload is ${size} bytes, over the ${CARD_PAYLOAD_BUDGET_BYTES}-byte budget`);
  }
  return payload;
}

/** The payload's size as posted (UTF-8 JSON). */
export function cardPayloadBytes(payload: TeamsWebhookPayload): number {
  return new TextEncoder().encode(JSON.stringify(payload)).length;
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

// ---------------------------------------------------------------------------------------------
// Structural check, for tests and for the notifier to refuse a malformed card before posting
// ---------------------------------------------------------------------------------------------

const ELEMENT_TYPES: ReadonlySet<string> = new Set(['TextBlock', 'FactSet', 'ColumnSet', 'Container', 'ActionSet']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Problems that would stop Teams showing the payload as weqs intends: wrong envelope or version,
 * elements or actions outside the allowed set, links that are not absolute https, text that does
 * not wrap, or a size over the budget. Empty when the payload is fine.
 */
export function cardPayloadProblems(payload: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(payload) || payload.type !== 'message') return ['The payload must be an object with type "message".'];
  const attachments = payload.attachments;
  if (!Array.isArray(attachments) || attachments.length !== 1) return ['The payload must have exactly one attachment.'];
  const attachment: unknown = attachments[0];
  if (!isRecord(attachment) || attachment.contentType !== ADAPTIVE_CARD_CONTENT_TYPE || attachment.contentUrl !== null) {
    return [`The attachment must have contentType "${ADAPTIVE_CARD_CONTENT_TYPE}" and contentUrl null.`];
  }
  const card = attachment.content;
  if (!isRecord(card) || card.type !== 'AdaptiveCard') return ['The attachment content must be an AdaptiveCard.'];
  if (card.version !== ADAPTIVE_CARD_VERSION) problems.push(`The card version must be ${ADAPTIVE_CARD_VERSION}.`);
  if (!Array.isArray(card.body) || card.body.length === 0) problems.push('The card body must be a non-empty array.');
  else card.body.forEach((element: unknown, index) => checkElement(element, `body[${index}]`, problems));
  if (card.actions !== undefined) checkActions(card.actions, 'actions', problems);
  const size = new TextEncoder().encode(JSON.stringify(payload)).length;
  if (size > CARD_PAYLOAD_BUDGET_BYTES) problems.push(`The payload is ${size} bytes, over ${CARD_PAYLOAD_BUDGET_BYTES}.`);
  return problems;
}

function checkElement(element: unknown, path: string, problems: string[]): void {
  if (!isRecord(element) || typeof element.type !== 'string' || !ELEMENT_TYPES.has(element.type)) {
    problems.push(`${path}: element type ${JSON.stringify(isRecord(element) ? element.type : element)} is not allowed.`);
    return;
  }
  switch (element.type) {
    case 'TextBlock':
      if (typeof element.text !== 'string' || element.text === '') problems.push(`${path}: a TextBlock needs text.`);
      if (element.wrap !== true) problems.push(`${path}: a TextBlock must wrap.`);
      break;
    case 'FactSet':
      if (
        !Array.isArray(element.facts) ||
        element.facts.length === 0 ||
        !element.facts.every((fact: unknown) => isRecord(fact) && typeof fact.title === 'string' && typeof fact.value === 'string')
      ) {
        problems.push(`${path}: a FactSet needs facts with a title and a value.`);
      }
      break;
    case 'Container':
      checkItems(element.items, `${path}.items`, problems);
      break;
    case 'ColumnSet':
      if (!Array.isArray(element.columns)) problems.push(`${path}: a ColumnSet needs columns.`);
      else
        element.columns.forEach((column: unknown, index) => {
          if (!isRecord(column) || column.type !== 'Column') problems.push(`${path}.columns[${index}]: must be a Column.`);
          else checkItems(column.items, `${path}.columns[${index}].items`, problems);
        });
      break;
    case 'ActionSet':
      checkActions(element.actions, `${path}.actions`, problems);
      break;
  }
}

function checkItems(items: unknown, path: string, problems: string[]): void {
  if (!Array.isArray(items)) problems.push(`${path}: must be an array of elements.`);
  else items.forEach((item: unknown, index) => checkElement(item, `${path}[${index}]`, problems));
}

function checkActions(actions: unknown, path: string, problems: string[]): void {
  if (!Array.isArray(actions)) {
    problems.push(`${path}: must be an array.`);
    return;
  }
  actions.forEach((action: unknown, index) => {
    if (!isRecord(action) || action.type !== 'Action.OpenUrl') problems.push(`${path}[${index}]: only Action.OpenUrl is allowed.`);
    else if (typeof action.title !== 'string' || action.title === '') problems.push(`${path}[${index}]: an action needs a title.`);
    else if (typeof action.url !== 'string' || !isAbsoluteHttpsUrl(action.url)) problems.push(`${path}[${index}]: the URL must be absolute https.`);
  });
}
