import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CriteriaCatalogueError } from '../domain/criteria-catalogue.js';
import { plural } from '../domain/plural.js';
import { currentAndNextCycles } from '../domain/review-calendar.js';
import { formatUkDate, isUkDate, ukStartOfDay } from '../domain/uk-dates.js';
import { parseReviewCalendar } from '../domain/review-calendar-rows.js';
import { describeStandardState, parseReviewCalendarFile } from '../domain/review-calendar-file.js';
import { ensureApplicationsListColumns } from '../graph/applications-list.js';
import { describeColumnReport } from '../graph/list-columns.js';
import { ensureReviewCalendarList } from '../graph/review-calendar-list.js';
import { isReviewJob, reviewJobs, runReviewJob } from '../workflows/review/review-jobs.js';
import type { ReviewJobName } from '../workflows/review/review-jobs.js';
import { buildDirectoryFromOds } from '../organisations/ods-import.js';
import type { OdsFiles } from '../organisations/ods-import.js';
import { loadConfig } from '../config.js';
import { getRuntime } from '../runtime.js';
import { doctorCommand } from './doctor-command.js';
import { grantSiteCommand } from './grant-site.js';
import { reportCommandFailure } from './service-errors.js';
import type { Runtime } from '../runtime.js';
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
  catalogue status              whether the published criteria are loaded, or forms point to the framework document
  catalogue load --file FILE    validate the published framework's criteria (JSON) and store them for new forms
  directory import [files]      build the organisation directory from NHS ODS CSV files and store it
      --etr FILE --epraccur FILE --egdpprac FILE --icb FILE --succ FILE
  replay-failed                 queue every email whose processing failed again
  outcomes                      list every inbound email and what weqs did with it
  grant-site [--identity-client-id ID] [--admin-client-id ID [--admin-certificate PEM]]
                                as an administrator (Sites.FullControl.All; Azure CLI login by default):
                                give the identity fullcontrol on the Work Experience site
  doctor [--other-mailbox ADDRESS] [--post-test-card]
                                read-only checks of this deployment, each pass / warn / fail with the fix
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function runJob(job: ReviewJobName, args: string[], runtime: Runtime): Promise<number> {
  const { values } = parseArgs({ args, options: { 'as-of': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
  const now = parseAsOf(values['as-of']);
  const dryRun = values['dry-run'];
  const actions = await runReviewJob(job, runtime.review, { now, dryRun });
  console.log(`${job} as of ${now.toISOString()}${dryRun ? ' (dry run: nothing sent or changed)' : ''}: ${plural(actions.length, 'action')}`);
  for (const action of actions) {
    console.log(`  ${action.reference ?? ''} ${action.organisation ?? ''}${action.to ? ` <${action.to}>` : ''}: ${action.action}`.replace(/\s+:/, ':'));
    for (const line of action.details ?? []) console.log(`      ${line}`);
  }
  return 0;
}

/** `runtimeOf` lets tests give the command an in-memory runtime; the CLI builds it from the settings. */
export async function main(argv: string[], runtimeOf: () => Runtime = getRuntime): Promise<number> {
  const [command, subcommand] = argv;
  if (command === 'doctor') return doctorCommand(argv.slice(1));
  if (command === 'grant-site') return grantSiteCommand(argv.slice(1));
  const runtime = runtimeOf();
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
        const file = parseReviewCalendarFile(JSON.parse(await readFile(values.file, 'utf8')));
        const parsed = parseReviewCalendar(file.rows);
        for (const rejected of parsed.rejected) console.log(`  Not valid, not imported: ${rejected.label}: ${rejected.reasons.join(' ')}`);
        for (const warning of parsed.warnings) console.log(`  Check ${warning.label}: ${warning.message}`);
        const valid = new Set(parsed.cycles.map((cycle) => cycle.id.toLowerCase()));
        const rows = file.rows.filter((row): row is Record<string, unknown> => isRecord(row) && valid.has(String(row.id ?? '').trim().toLowerCase()));
        const added = await runtime.calendarList.importCycles(rows);
        console.log(`Added ${plural(added, 'cycle')} to the calendar from ${values.file}.`);
        if (file.standard) console.log(`  ${describeStandardState(file.standard)}`);
        return 0;
      }
      if (subcommand === 'show') {
        const { values } = parseArgs({ args: argv.slice(2), options: { 'as-of': { type: 'string' } } });
        const now = parseAsOf(values['as-of']);
        const parsed = await runtime.review.calendar();
        const { current, next } = currentAndNextCycles(parsed.cycles, now);
        console.log(`Review calendar as of ${formatUkDate(now)}: ${plural(parsed.cycles.length, 'cycle')}.`);
        console.log(current ? `  Current cycle: ${current.name}` : '  No cycle is in review or sending decisions.');
        console.log(next ? `  Next deadline: end of ${formatUkDate(next.submissionDeadline)} (${next.name}); decisions ${formatUkDate(next.decisionsOpen, 'medium')} to ${formatUkDate(next.decisionsClose, 'medium')}` : '  No future cycle is published: reviews are paused.');
        for (const rejected of parsed.rejected) console.log(`  Ignored ${rejected.label}: ${rejected.reasons.join(' ')}`);
        for (const warning of parsed.warnings) console.log(`  Check ${warning.label}: ${warning.message}`);
        return 0;
      }
      // `calendar` is also a review job (`calendar --as-of DATE --dry-run`).
      if (subcommand === undefined || subcommand.startsWith('--')) return runJob('calendar', argv.slice(1), runtime);
      break;
    }
    case 'catalogue': {
      if (subcommand === 'status') {
        const status = await runtime.catalogueStatus();
        console.log(status.state === 'loaded' ? `Criteria catalogue loaded: ${status.title}, version ${status.version}.` : status.message);
        return 0;
      }
      if (subcommand !== 'load') break;
      const { values } = parseArgs({ args: argv.slice(2), options: { file: { type: 'string' } } });
      if (!values.file) break;
      try {
        const catalogue = await runtime.catalogueStore.save(JSON.parse(await readFile(values.file, 'utf8')));
        const criteria = catalogue.sections.reduce((sum, section) => sum + section.criteria.length, 0);
        console.log(`Stored the criteria catalogue version ${catalogue.version}: ${plural(criteria, 'criterion', 'criteria')} in ${plural(catalogue.sections.length, 'section')}. New application forms use it from now on.`);
        return 0;
      } catch (error) {
        if (!(error instanceof CriteriaCatalogueError) && !(error instanceof SyntaxError)) throw error;
        console.error(`Nothing stored. ${error.message}`);
        return 1;
      }
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
      console.log(`Queued ${plural(failed.length, 'failed email')} again.`);
      return 0;
    }
    case 'outcomes': {
      const records = (await runtime.ledger.all()).sort((a, b) => (a.receivedAt ?? '').localeCompare(b.receivedAt ?? ''));
      for (const record of records) console.log(`${record.receivedAt ?? '?'}  ${record.fromAddress ?? '?'}  ${record.outcome ?? record.state}  ${record.detail ?? ''}`);
      return 0;
    }
    default: {
      if (!command || !isReviewJob(command)) break;
      return runJob(command, argv.slice(1), runtime);
    }
  }
  console.error(usage);
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => reportCommandFailure(error, () => loadConfig()));
}
