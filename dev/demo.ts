import type { EmulatorClient, InboundEmail } from './emulator-client.js';
import { outcomeDescriptions } from '../src/domain/inbound-outcome.js';
import { InboundLedger } from '../src/storage/inbound-ledger.js';
import type { InboundRecord } from '../src/storage/inbound-ledger.js';
import { Tables } from '../src/storage/tables.js';
import { sleep } from '../src/resilience/retry.js';

/** Sample emails for `npm start`: what a morning in the inbox looks like. */
export const demoEmails: { label: string; email: InboundEmail }[] = [
  { label: 'a new request (from an existing guest of the tenant: the folder is shared at once)', email: { from: { name: 'Jo Bloggs', address: 'jo.bloggs@northshire.nhs.example' }, subject: 'Work Experience Quality Standard – Northshire Hospitals NHS Foundation Trust', body: 'Please could we have an application form?' } },
  { label: 'the same organisation spelled differently, from someone else', email: { from: { name: 'Sam Khan', address: 'sam.khan@northshire.nhs.example' }, subject: 'FW: work experience quality standard - [NORTHSHIRE HOSPITALS NHS FT]', body: 'Forwarding as discussed.' } },
  { label: 'an unrelated email', email: { from: { name: 'Amira Hassan', address: 'amira.hassan@school.example' }, subject: 'Placement question for next week', body: 'Hello, what time should I arrive on Monday?' } },
  { label: 'a spoofed request', email: { from: { name: 'Riverside Medical Centre', address: 'manager@riverside-medical.nhs.example' }, subject: 'Work Experience Quality Standard – Riverside Medical Centre', body: 'Send the form.', authentication: 'fail' } },
  { label: 'a name several practices share', email: { from: { name: 'Pat Lee', address: 'pat.lee@nhs.example' }, subject: 'Work Experience Quality Standard – The Surgery', body: 'Hello' } },
];


/** Delivers the sample emails and reports, in plain language, what weqs did with each. */
export async function runDemo(emulator: EmulatorClient, storageConnectionString: string, print: (line: string) => void): Promise<void> {
  const ledger = new InboundLedger(new Tables({ connectionString: storageConnectionString }), 0);
  const delivered: { label: string; email: InboundEmail; internetMessageId: string }[] = [];
  const outcomes = new Map<string, InboundRecord>();
  const settle = async (count: number): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (outcomes.size < count && Date.now() < deadline) {
      await sleep(300);
      for (const item of delivered) {
        const record = await ledger.get(InboundLedger.keyFor(item.internetMessageId));
        if (record?.state === 'done') outcomes.set(item.internetMessageId, record);
      }
    }
  };
  // The first request arrives on its own; the rest come in together a moment later.
  for (const [index, sample] of demoEmails.entries()) {
    const { internetMessageId } = await emulator.deliver(sample.email);
    delivered.push({ ...sample, internetMessageId });
    if (index === 0) await settle(1);
  }
  await settle(delivered.length);
  print('\nDemo: five sample emails arrived in the inbox. What weqs did with each:\n');
  delivered.forEach((item, index) => {
    const record = outcomes.get(item.internetMessageId);
    const what = record?.outcome ? `${record.detail ?? outcomeDescriptions[record.outcome]}` : 'still being processed';
    print(`  ${index + 1}. ${item.label}\n     from ${item.email.from.name ?? ''} <${item.email.from.address}>: "${item.email.subject}"\n     → ${what}\n`);
  });
}
