/**
 * The toolkit every staff Teams card is built with: the card model, the building blocks, the
 * escaping of untrusted values, and the webhook payload with its size check.
 *
 * Cards are posted through a Workflows webhook, which answers 202 before it posts, so a card Teams
 * refuses (too big, unknown element, bad URL) disappears into the flow's run history: cards are
 * therefore built only from elements Teams renders everywhere (schema 1.4), every value from an
 * email or a staff list is capped and escaped, and the payload's size is checked here.
 */
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

/**
 * The size weqs keeps every payload under. Teams refuses messages above about 28 KB, failures have
 * been reported from about 21 KB, and the flow wraps the card in its own envelope.
 */
export const CARD_PAYLOAD_BUDGET_BYTES = 20_000;

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

