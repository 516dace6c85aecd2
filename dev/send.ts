import { parseArgs } from 'node:util';
import { EmulatorClient } from './emulator-client.js';

/** `npm run send -- --from ADDRESS --subject "…"`: delivers an email to the running emulator's inbox. */
const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    name: { type: 'string' },
    subject: { type: 'string' },
    body: { type: 'string', default: 'Please send us an application form.' },
    to: { type: 'string' },
    header: { type: 'string', multiple: true, default: [] },
    spoofed: { type: 'boolean', default: false },
    emulator: { type: 'string', default: process.env.WEQS_EMULATOR_URL ?? 'https://127.0.0.1:4000' },
  },
});

if (!values.from || values.subject === undefined) {
  console.error('Usage: npm run send -- --from ADDRESS --subject "Work Experience Quality Standard – Organisation" [--name NAME] [--body TEXT] [--header "Name: value"] [--spoofed]');
  process.exit(2);
}
const headers = values.header.map((line) => {
  const colon = line.indexOf(':');
  if (colon < 1) throw new Error(`--header must look like "Name: value", got '${line}'`);
  return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
});
const client = new EmulatorClient(values.emulator);
const delivered = await client.deliver({
  from: { address: values.from, ...(values.name ? { name: values.name } : {}) },
  subject: values.subject,
  body: values.body,
  ...(values.to ? { to: values.to } : {}),
  ...(headers.length > 0 ? { headers } : {}),
  // The receiving service's own verdict: a forged sender fails DMARC.
  ...(values.spoofed ? { authentication: 'fail' as const } : {}),
});
console.log(`Delivered to the inbox as message ${delivered.id}`);
