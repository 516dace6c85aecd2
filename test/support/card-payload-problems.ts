/**
 * weqs's own rules for a card payload, which the Adaptive Cards library the emulator uses
 * (`emulator/adaptive-cards.ts`) does not check: the webhook envelope, schema 1.4 and only the
 * elements and actions weqs builds, absolute https links, wrapping text and the size budget.
 * Test-only: production builds cards with `card-toolkit.ts`, which cannot make most of these.
 */
import { ADAPTIVE_CARD_CONTENT_TYPE, ADAPTIVE_CARD_VERSION, CARD_PAYLOAD_BUDGET_BYTES } from '../../src/domain/card-toolkit.js';
import { isAbsoluteHttpsUrl } from '../../src/domain/text-escaping.js';

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
