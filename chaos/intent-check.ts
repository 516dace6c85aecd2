import type { EmulatorState } from '../dev/emulator-client.js';
import { intentHeader } from '../src/mail/mime.js';
import { tableNames } from '../src/storage/tables.js';
import type { Tables } from '../src/storage/tables.js';

/**
 * The two invariants of every email weqs sends, checked from what recipients got (the emulator's
 * outbound log, each email carrying its intent's token in a header) against the send ledger:
 * one email per intent, and no email without its outcome ("sent") recorded.
 */
export interface IntentCheck {
  emails: number;
  duplicates: number;
  unrecorded: number;
  problems: string[];
}

export async function checkIntents(outbound: EmulatorState['outbound'], tables: Tables): Promise<IntentCheck> {
  const table = await tables.client(tableNames.sentMail);
  const byToken = new Map<string, { intent: string; state: string }>();
  for await (const entity of table.listEntities<{ intent: string; token: string; state: string }>()) byToken.set(entity.token, { intent: entity.intent, state: entity.state });

  const copies = new Map<string, number>();
  const problems: string[] = [];
  for (const mail of outbound) {
    const token = mail.headers.find((header) => header.name.toLowerCase() === intentHeader.toLowerCase())?.value;
    if (!token) {
      problems.push(`an email to ${mail.to.join(', ')} ('${mail.subject.slice(0, 60)}') carries no intent token`);
      continue;
    }
    copies.set(token, (copies.get(token) ?? 0) + 1);
  }
  let duplicates = 0;
  let unrecorded = 0;
  for (const [token, count] of copies) {
    const record = byToken.get(token);
    if (count > 1) {
      duplicates += count - 1;
      problems.push(`intent ${record?.intent ?? token} was emailed ${count} times`);
    }
    if (record?.state !== 'sent') {
      unrecorded += 1;
      problems.push(`intent ${record?.intent ?? `with token ${token}`} was emailed but its ledger record is ${record ? `'${record.state}'` : 'missing'}`);
    }
  }
  return { emails: outbound.length, duplicates, unrecorded: unrecorded + problems.filter((problem) => problem.includes('no intent token')).length, problems };
}
