import type { CardElement, TeamsWebhookPayload } from '../../src/domain/card-toolkit.js';

/** Every text a reader sees on the card: text blocks, facts and action titles. */
export function allText(payload: TeamsWebhookPayload): string[] {
  const texts: string[] = [];
  const walk = (elements: readonly CardElement[]): void => {
    for (const element of elements) {
      if (element.type === 'TextBlock') texts.push(element.text);
      else if (element.type === 'FactSet') for (const fact of element.facts) texts.push(fact.title, fact.value);
      else if (element.type === 'Container') walk(element.items);
      else if (element.type === 'ColumnSet') for (const column of element.columns) walk(column.items);
      else for (const action of element.actions) texts.push(action.title);
    }
  };
  const card = payload.attachments[0].content;
  walk(card.body);
  for (const action of card.actions ?? []) texts.push(action.title);
  return texts;
}

/** The first value of each fact title, across the card. */
export function facts(payload: TeamsWebhookPayload): Map<string, string> {
  const map = new Map<string, string>();
  const walk = (elements: readonly CardElement[]): void => {
    for (const element of elements) {
      if (element.type === 'FactSet') for (const fact of element.facts) if (!map.has(fact.title)) map.set(fact.title, fact.value);
      if (element.type === 'Container') walk(element.items);
    }
  };
  walk(payload.attachments[0].content.body);
  return map;
}

export const joined = (payload: TeamsWebhookPayload): string => allText(payload).join('\n');
