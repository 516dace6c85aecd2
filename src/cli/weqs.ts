import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ensureApplicationsListColumns } from '../graph/applications-list.js';
import { buildDirectoryFromOds } from '../organisations/ods-import.js';
import type { OdsFiles } from '../organisations/ods-import.js';
import { getRuntime } from '../runtime.js';
import { queueNames } from '../storage/queues.js';

/**
 * `npm run weqs -- <command>`: operations staff run against the configured tenant and storage
 * (the same settings as the Function App).
 */
const usage = `Usage: npm run weqs -- <command> [options]

  setup                         add missing columns to the Applications list
  directory import [files]      build the organisation directory from NHS ODS CSV files and store it
      --etr FILE --epraccur FILE --egdpprac FILE --icb FILE --succ FILE
  replay-failed                 queue every email whose processing failed again
  outcomes                      list every inbound email and what weqs did with it
`;

async function readIfGiven(path: string | undefined): Promise<string | undefined> {
  return path ? readFile(path, 'utf8') : undefined;
}

export async function main(argv: string[]): Promise<number> {
  const [command, subcommand] = argv;
  const runtime = getRuntime();
  switch (command) {
    case 'setup': {
      const added = await ensureApplicationsListColumns(runtime.graph, await runtime.site());
      console.log(added.length > 0 ? `Added columns: ${added.join(', ')}` : 'The Applications list already has every column.');
      return 0;
    }
    case 'directory': {
      if (subcommand !== 'import') break;
      const { values } = parseArgs({
        args: argv.slice(2),
        options: { etr: { type: 'string' }, epraccur: { type: 'string' }, egdpprac: { type: 'string' }, icb: { type: 'string' }, succ: { type: 'string' } },
      });
      const files: OdsFiles = {};
      for (const kind of ['etr', 'epraccur', 'egdpprac', 'icb', 'succ'] as const) {
        const text = await readIfGiven(values[kind]);
        if (text !== undefined) files[kind] = text;
      }
      if (Object.keys(files).length === 0) {
        console.error('Give at least one ODS file, e.g. --etr etr.csv');
        return 2;
      }
      const directory = buildDirectoryFromOds(files);
      await runtime.directory.save(directory);
      console.log(`Stored an organisation directory of ${directory.size} organisations.`);
      return 0;
    }
    case 'replay-failed': {
      const failed = (await runtime.ledger.all()).filter((record) => record.outcome === 'failed');
      for (const record of failed) {
        await runtime.ledger.reopen(record, new Date());
        await runtime.queues.send(queueNames.inboundMessages, { kind: 'inbox-message', messageId: record.messageId, source: 'replay', notifiedAt: new Date().toISOString() });
      }
      const poison = await runtime.queues.client(`${queueNames.inboundMessages}-poison`);
      await poison.clearMessages();
      console.log(`Queued ${failed.length} failed email(s) again.`);
      return 0;
    }
    case 'outcomes': {
      const records = (await runtime.ledger.all()).sort((a, b) => (a.receivedAt ?? '').localeCompare(b.receivedAt ?? ''));
      for (const record of records) console.log(`${record.receivedAt ?? '?'}  ${record.fromAddress ?? '?'}  ${record.outcome ?? record.state}  ${record.detail ?? ''}`);
      return 0;
    }
    default:
      break;
  }
  console.error(usage);
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
