import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { currentAndNextCycles, formatUkDate, isUkDate, ukStartOfDay } from '../domain/review-calendar.js';
import { ensureApplicationsListColumns } from '../graph/applications-list.js';
import { describeColumnReport } from '../graph/list-columns.js';
import { ensureReviewCalendarList } from '../graph/review-calendar-list.js';
import { isReviewJob, reviewJobs, runReviewJob } from '../workflows/review/review-jobs.js';
import { buildDirectoryFromOds } from '../organisations/ods-import.js';
import type { OdsFiles } from '../organisations/ods-import.js';
import { getRuntime } from '../runtime.js';
import { queueNames } from '../storage/queues.js';

/**
 * `npm run weqs -- <command>`: operations staff run against the configured tenant and storage
 * (the same settings as the Function App).
 */
const usage = `Usage: npm run weqs -- <command> [options]

  setup                         add missing columns to the Applications list; create the review calendar list
  calendar show                 the cycles in use: current, next deadline, rows ignored and why
  calendar import --file FILE   add the cycles in a JSON file that the calendar list does not have yet
  ${Object.keys(reviewJobs).join(' | ')}
      [--as-of DATE] [--dry-run]  run a review-calendar job now, or preview what it would do on DATE
  directory import [files]      build the organisation directory from NHS ODS CSV files and store it
      --etr FILE --epraccur FILE --egdpprac FILE --icb FILE --succ FILE
  replay-failed                 queue every email whose processing failed again
  outcomes                      list every inbound email and what weqs did with it
`;

async function readIfGiven(path: string | undefined): Promise<string | undefined> {
  return path ? readFile(path, 'utf8') : undefined;
}

/** `2026-09-10` means midday that UK day; a full ISO date-time is taken as it is. */
export function parseAsOf(value: string | undefined): Date {
  if (!value) return new Date();
  if (isUkDate(value)) return new Date(ukStartOfDay(value).getTime() + 12 * 3600 * 1000);
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) throw new Error(`--as-of must be a date like 2026-09-10, got '${value}'`);
  return instant;
}

export async function main(argv: string[]): Promise<number> {
  const [command, subcommand] = argv;
  const runtime = getRuntime();
  switch (command) {
    case 'help':
    case '--help':
      console.log(usage);
      return 0;
    case 'setup': {
      const site = await runtime.site();
      const applicationsList = runtime.config.site.applicationsList;
      const calendarList = runtime.config.site.calendarList;
      const applications = await ensureApplicationsListColumns(runtime.graph, site, applicationsList);
      console.log(describeColumnReport(applicationsList, applications));
      const calendar = await ensureReviewCalendarList(runtime.graph, site.siteId, calendarList);
      if (calendar.created) console.log(`Created the '${calendarList}' list.`);
      console.log(describeColumnReport(calendarList, calendar));
      return 0;
    }
    case 'calendar': {
      if (subcommand === 'import') {
        const { values } = parseArgs({ args: argv.slice(2), options: { file: { type: 'string' } } });
        if (!values.file) break;
        const rows = JSON.parse(await readFile(values.file, 'utf8')) as Record<string, unknown>[];
        console.log(`Added ${await runtime.calendarList.importCycles(rows)} cycle(s) to the calendar.`);
        return 0;
      }
      if (subcommand === 'show') {
        const { values } = parseArgs({ args: argv.slice(2), options: { 'as-of': { type: 'string' } } });
        const now = parseAsOf(values['as-of']);
        const parsed = await runtime.review.calendar();
        const { current, next } = currentAndNextCycles(parsed.cycles, now);
        console.log(`Review calendar as of ${formatUkDate(now)}: ${parsed.cycles.length} cycle(s).`);
        console.log(current ? `  Current cycle: ${current.name}` : '  No cycle is in review or sending decisions.');
        console.log(next ? `  Next deadline: end of ${formatUkDate(next.submissionDeadline)} (${next.name}); decisions ${formatUkDate(next.decisionsOpen, 'medium')} to ${formatUkDate(next.decisionsClose, 'medium')}` : '  No future cycle is published: reviews are paused.');
        for (const rejected of parsed.rejected) console.log(`  Ignored ${rejected.label}: ${rejected.reasons.join(' ')}`);
        return 0;
      }
      break;
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
    default: {
      if (!command || !isReviewJob(command)) break;
      const { values } = parseArgs({ args: argv.slice(1), options: { 'as-of': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
      const now = parseAsOf(values['as-of']);
      const dryRun = values['dry-run'];
      const actions = await runReviewJob(command, runtime.review, { now, dryRun });
      console.log(`${command} as of ${now.toISOString()}${dryRun ? ' (dry run: nothing sent or changed)' : ''}: ${actions.length} action(s)`);
      for (const action of actions) console.log(`  ${action.reference ?? ''} ${action.organisation ?? ''}${action.to ? ` <${action.to}>` : ''}: ${action.action}`.replace(/\s+:/, ':'));
      return 0;
    }
  }
  console.error(usage);
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
