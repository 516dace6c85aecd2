import { isIP } from 'node:net';
import { connect } from 'node:tls';
import type { TokenCredential } from '@azure/core-auth';
import { ConfigError, loadConfig } from '../config.js';
import type { Config } from '../config.js';
import { currentAndNextCycles } from '../domain/review-calendar.js';
import { formatUkDate } from '../domain/uk-dates.js';
import { applicationsListColumns } from '../graph/applications-list.js';
import { createCredential, graphScope } from '../graph/graph-client.js';
import { GraphSubscriptions } from '../graph/subscriptions.js';
import { createRuntime } from '../runtime.js';
import type { Runtime } from '../runtime.js';
import { plural } from '../domain/plural.js';
import { startupProbes } from '../startup-check.js';
import { queueNames } from '../storage/queues.js';
import type { QueueName } from '../storage/queues.js';
import { tableNames } from '../storage/tables.js';
import { TeamsWebhookRefused, TeamsWorkflowNotifier } from '../teams/teams-notifier.js';
import { inboxResource } from '../workflows/maintain-inbox-subscription.js';
import { describeServiceFailure, networkAnswer } from './service-errors.js';

/**
 * `npm run weqs -- doctor`: read-only checks of a configured deployment. Each line is pass, warn or
 * fail with the fix. Nothing is changed; the only thing ever sent is a Teams test card, and only
 * with --post-test-card.
 */
export type Verdict = 'pass' | 'warn' | 'fail';
export interface DoctorLine {
  check: string;
  verdict: Verdict;
  detail: string;
  fix?: string;
}

export interface DoctorOptions {
  /** A mailbox the identity must NOT be able to read (proves the Exchange RBAC scope). */
  otherMailbox?: string;
  postTestCard?: boolean;
  now?: Date;
  /** Tests inject the credential; otherwise the one the settings describe. */
  credential?: TokenCredential;
}

/** Application roles weqs needs tenant-wide: only Sites.Selected (site grant) and, optionally, guest creation. */
const expectedRoles = new Set(['Sites.Selected']);
const optionalRoles = new Set(['User.Invite.All', 'User.Read.All']);
/** Roles that would let weqs reach far more than the inbox and the site. */
const broadRoles = /^(Mail\.|MailboxSettings\.|Sites\.(ReadWrite|FullControl|Manage|Read)\.All|Files\.(ReadWrite|Read)\.All|User\.ReadWrite\.All|Directory\.)/;

const directoryStaleDays = 35;

function tokenRoles(token: string): string[] {
  const payload = token.split('.')[1];
  if (!payload) return [];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
  return Array.isArray(claims.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : [];
}

function statusOf(error: unknown): number | undefined {
  const value = (error as { statusCode?: unknown }).statusCode;
  return typeof value === 'number' ? value : undefined;
}

async function check(lines: DoctorLine[], name: string, config: Config, work: () => Promise<Omit<DoctorLine, 'check'>>): Promise<void> {
  try {
    lines.push({ check: name, ...(await work()) });
  } catch (error) {
    const failure = describeServiceFailure(error, config);
    lines.push({ check: name, verdict: 'fail', detail: `${failure.service} at ${failure.target}: ${failure.answer}`, fix: failure.fix });
  }
}

/** How an administrator reads or clears a queue of this deployment's storage with the Azure CLI. */
function queueCommand(config: Config, verb: 'peek' | 'clear', queue: string): string {
  const account = 'connectionString' in config.storage ? '--connection-string "$AzureWebJobsStorage"' : `--account-name ${new URL(config.storage.serviceUris.queue).hostname.split('.')[0] ?? ''} --auth-mode login`;
  return `az storage message ${verb} --queue-name ${queue}${verb === 'peek' ? ' --num-messages 32' : ''} ${account}`;
}

/** The poison queues, what a message in each means, and how to deal with it. */
function poisonQueues(config: Config): { queue: `${QueueName}-poison`; holds: string; fix: string }[] {
  const inbound = `${queueNames.inboundMessages}-poison` as const;
  const events = `${queueNames.subscriptionEvents}-poison` as const;
  return [
    {
      queue: inbound,
      holds: 'emails whose processing failed five times (each also has a staff card)',
      fix: `inspect them with \`npm run weqs -- outcomes\` (each failed email and why) or \`${queueCommand(config, 'peek', inbound)}\`; fix the cause, then \`npm run weqs -- replay-failed\` queues every failed email again and clears ${inbound}`,
    },
    {
      queue: events,
      holds: "Graph lifecycle events (reauthorize or recreate the inbox subscription) that failed five times",
      fix: `inspect them with \`${queueCommand(config, 'peek', events)}\`; the maintainSubscription timer renews or recreates the subscription within six hours and the inbox sweep reads what was missed; then clear the queue with \`${queueCommand(config, 'clear', events)}\``,
    },
  ];
}

/** Where to correct the Teams webhook URL; the same words for every way it fails. */
const webhookFix = "set WEQS_TEAMS_WEBHOOK_URL (Key Vault secret weqs-teams-webhook-url in Azure) to the URL of the staff channel's Workflows flow (trigger 'When a Teams webhook request is received'; docs/deploy.md), then restart the app";

function webhookRefusal(status: number, host: string): Omit<DoctorLine, 'check'> {
  if (status === 401 || status === 403) return { verdict: 'fail', detail: `${host} refused the test card (HTTP ${status}): the URL's signature (sig) is not valid for the flow`, fix: webhookFix };
  if (status === 404) return { verdict: 'fail', detail: `${host} refused the test card (HTTP 404): no flow by that URL (deleted, or the URL is mistyped)`, fix: webhookFix };
  if (status === 0) return { verdict: 'fail', detail: `${host} did not answer the test card`, fix: 'try again; if it persists, check the flow in Power Automate and the service health of Microsoft 365' };
  return { verdict: 'fail', detail: `${host} refused the test card (HTTP ${status})`, fix: status === 429 || status >= 500 ? 'try again later; the flow is throttled or failing (its run history in Power Automate says why)' : webhookFix };
}

export async function runDoctor(environment: Record<string, string | undefined>, options: DoctorOptions = {}): Promise<DoctorLine[]> {
  const lines: DoctorLine[] = [];
  let config: Config;
  try {
    config = loadConfig(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [{ check: 'settings', verdict: 'fail', detail: error.problems.join('; '), fix: 'set the settings named (infra/main.bicep sets them in Azure; local.settings.json locally)' }];
  }
  lines.push({ check: 'settings', verdict: 'pass', detail: `valid; inbox ${config.inboxAddress}, site ${config.site.hostname}${config.site.path}` });
  const now = options.now ?? new Date();
  const credential = options.credential ?? createCredential(config);
  const runtime: Runtime = createRuntime(config);
  // Probed once, quickly (one retry): with storage down, every check that reads it would otherwise
  // wait out the SDK's retries and repeat the same failure.
  const storageDown = startupProbes.storage(config, credential).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  const needsStorage = (work: () => Promise<Omit<DoctorLine, 'check'>>) => async (): Promise<Omit<DoctorLine, 'check'>> =>
    (await storageDown) ? { verdict: 'fail', detail: 'not checked: Azure Storage did not answer (see the storage line)', fix: 'fix the storage line first' } : work();

  let tokenOk = false;
  await check(lines, 'token', config, async () => {
    const token = await credential.getToken(graphScope);
    if (!token) return { verdict: 'fail', detail: 'the credential returned no token', fix: 'check the identity settings' };
    tokenOk = true;
    return { verdict: 'pass', detail: `a Graph token was issued, valid until ${new Date(token.expiresOnTimestamp).toISOString()}` };
  });
  if (!tokenOk) return lines;

  await check(lines, 'roles', config, async () => {
    const roles = tokenRoles((await credential.getToken(graphScope))?.token ?? '');
    const broad = roles.filter((role) => broadRoles.test(role));
    const missing = [...expectedRoles].filter((role) => !roles.includes(role));
    const unexpected = roles.filter((role) => !expectedRoles.has(role) && !optionalRoles.has(role) && !broad.includes(role));
    if (broad.length > 0) {
      return { verdict: 'warn', detail: `TENANT-WIDE ROLES GRANTED: ${broad.join(', ')} — weqs can reach every mailbox or site in the tenant, not only its own`, fix: `remove the admin consent for ${broad.join(', ')} from the identity's enterprise application; weqs needs only Sites.Selected plus Exchange RBAC on the inbox` };
    }
    if (missing.length > 0) return { verdict: 'fail', detail: `the token lacks ${missing.join(', ')} (roles: ${roles.join(', ') || 'none'})`, fix: 'grant the application permission Sites.Selected with admin consent (docs/deploy.md, step "Graph")' };
    if (unexpected.length > 0) return { verdict: 'warn', detail: `roles beyond what weqs uses: ${unexpected.join(', ')}`, fix: 'remove the roles weqs does not need' };
    return { verdict: 'pass', detail: `roles are exactly what weqs uses: ${roles.join(', ')}` };
  });

  await check(lines, 'inbox', config, async () => {
    await runtime.graph.api(`/users/${config.inboxAddress}/mailFolders/inbox`).select(['id', 'totalItemCount']).get();
    return { verdict: 'pass', detail: `${config.inboxAddress} is readable` };
  });

  await check(lines, 'mailbox scope', config, async () => {
    if (!options.otherMailbox) return { verdict: 'warn', detail: 'not proven: no other mailbox given', fix: 'run doctor with --other-mailbox ADDRESS (any mailbox other than the inbox) to prove the Exchange RBAC scope' };
    try {
      await runtime.graph.api(`/users/${options.otherMailbox}/mailFolders/inbox`).select(['id']).get();
      return { verdict: 'fail', detail: `${options.otherMailbox} is readable too: mail access is not limited to the inbox`, fix: 'remove tenant-wide Mail.* consent and scope Exchange RBAC for Applications to the inbox (scripts/grant-exchange-rbac.ps1)' };
    } catch (error) {
      const status = statusOf(error);
      if (status === 403) return { verdict: 'pass', detail: `${options.otherMailbox} is refused (403): mail access is limited to the inbox` };
      if (status === 404) return { verdict: 'warn', detail: `${options.otherMailbox} was not found, so the scope is not proven`, fix: 'give an existing mailbox' };
      throw error;
    }
  });

  await check(lines, 'site', config, async () => {
    const site = await runtime.site();
    const columns = (await runtime.graph.api(`/sites/${site.siteId}/lists/${site.listId}/columns`).select(['name', 'indexed']).get()) as { value: { name?: string; indexed?: boolean }[] };
    const byName = new Map(columns.value.map((column) => [column.name, column]));
    const missing = applicationsListColumns.filter((column) => !byName.has(column.name ?? undefined));
    const unindexed = applicationsListColumns.filter((column) => column.indexed && byName.has(column.name ?? undefined) && !byName.get(column.name ?? undefined)?.indexed);
    if (missing.length > 0) return { verdict: 'fail', detail: `the '${config.site.applicationsList}' list lacks columns ${missing.map((column) => column.name).join(', ')}`, fix: 'run `npm run weqs -- setup`' };
    if (unindexed.length > 0) return { verdict: 'fail', detail: `columns weqs filters on are not indexed: ${unindexed.map((column) => column.name).join(', ')}`, fix: 'index them in the list settings (Indexed columns), or run `npm run weqs -- setup` once it indexes existing columns' };
    return { verdict: 'pass', detail: `site, '${config.site.evidenceLibrary}' library and '${config.site.applicationsList}' list with its ${applicationsListColumns.length} columns and indexes` };
  });

  await check(lines, 'criteria catalogue', config, needsStorage(async () => {
    const status = await runtime.catalogueStatus();
    return status.state === 'loaded'
      ? { verdict: 'pass', detail: `published framework "${status.title}", version ${status.version}` }
      : { verdict: 'warn', detail: 'no criteria catalogue loaded: forms have one commentary box per section and point to the framework document', fix: 'npm run weqs -- catalogue load --file FILE (the published criteria)' };
  }));

  await check(lines, 'review calendar', config, async () => {
    const calendar = await runtime.review.calendar();
    const { next } = currentAndNextCycles(calendar.cycles, now);
    if (calendar.rejected.length > 0) {
      // Named one by one: weqs leaves an invalid row out, so a typo can hide the next deadline.
      const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);
      const rows = calendar.rejected.map((row) => `${row.label}: ${sentence(row.reasons.join(' '))}`).join(' ');
      const one = calendar.rejected.length === 1;
      const fix = `correct ${one ? 'the row' : 'these rows'} in the '${config.site.calendarList}' list (${await runtime.calendarList.webUrl()}); \`npm run weqs -- calendar show\` lists ${one ? 'it' : 'them'} again`;
      const valid = next ? `Next valid deadline: end of ${formatUkDate(next.submissionDeadline)} (${next.name}).` : 'No valid future cycle remains, so applicants are told reviews are paused.';
      return { verdict: next ? 'warn' : 'fail', detail: `${plural(calendar.rejected.length, 'row')} ignored as invalid — ${rows} ${valid}`, fix };
    }
    if (!next) return { verdict: 'warn', detail: 'no future cycle is published: reviews are paused', fix: 'add the next cycle to the Review calendar list' };
    return { verdict: 'pass', detail: `next deadline end of ${formatUkDate(next.submissionDeadline)} (${next.name})` };
  });

  await check(lines, 'notification URL', config, async () => {
    const url = new URL(config.subscription.notificationUrl);
    const token = `weqs-doctor-${now.getTime()}`;
    const response = await fetch(`${url.href}${url.search ? '&' : '?'}validationToken=${encodeURIComponent(token)}`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    const answers = response.status === 200 && body === token && (response.headers.get('content-type') ?? '').startsWith('text/plain');
    if (!answers) return { verdict: 'fail', detail: `${url.origin}${url.pathname} answered ${response.status} without echoing the validation token`, fix: 'deploy the function app (azd deploy) and check WEQS_NOTIFICATION_URL names its /api/notifications route' };
    if (url.protocol !== 'https:') return { verdict: 'warn', detail: `${url.href} answers Graph's validation but is not public HTTPS (local only)`, fix: 'in Azure, WEQS_NOTIFICATION_URL is the Function App https URL' };
    return { verdict: 'pass', detail: `${url.href} is HTTPS and answers Graph's validation` };
  });

  await check(lines, 'subscription', config, async () => {
    const resource = inboxResource(config.inboxAddress).toLowerCase();
    const ours = (await new GraphSubscriptions(runtime.graph).list()).filter((subscription) => subscription.resource?.toLowerCase() === resource && subscription.notificationUrl === config.subscription.notificationUrl);
    if (ours.length === 0) return { verdict: 'fail', detail: `no subscription for ${config.inboxAddress} to ${config.subscription.notificationUrl}: new emails arrive only through the sweep`, fix: 'wait for the maintainSubscription timer (every 6 hours) or restart the app; if it persists, check the alerts and the grants' };
    const expiry = ours.map((subscription) => subscription.expirationDateTime ?? '').sort().at(-1) ?? '';
    const detail = `${ours.length === 1 ? 'one subscription' : `${ours.length} subscriptions`}, expires ${expiry}`;
    return ours.length === 1 ? { verdict: 'pass', detail } : { verdict: 'warn', detail, fix: 'weqs keeps one; the extra is removed at the next renewal' };
  });

  // Read-only: a queue or table weqs has not needed yet does not exist, which is not a fault
  // (weqs creates each on first use, a poison queue appears with its first message).
  const notYet = (error: unknown): undefined => {
    if (statusOf(error) !== 404) throw error;
    return undefined;
  };
  await check(lines, 'storage', config, async () => {
    const down = await storageDown;
    if (down) throw down.error;
    for (const name of [queueNames.inboundMessages, queueNames.subscriptionEvents]) await runtime.queues.existing(name).getProperties().catch(notYet);
    await runtime.tables.existing(tableNames.inbound).getEntity('doctor', 'doctor').catch(notYet);
    return { verdict: 'pass', detail: 'queues and tables reachable' };
  });

  const poisoned: (ReturnType<typeof poisonQueues>[number] & { count: number })[] = [];
  await check(lines, 'poison queue', config, needsStorage(async () => {
    for (const poison of poisonQueues(config)) {
      const count = (await runtime.queues.existing(poison.queue).getProperties().catch(notYet))?.approximateMessagesCount ?? 0;
      if (count > 0) poisoned.push({ ...poison, count });
    }
    const [first] = poisoned;
    if (!first) return { verdict: 'pass', detail: `empty (${poisonQueues(config).map((poison) => poison.queue).join(', ')})` };
    return { verdict: 'fail', detail: `${first.queue} holds ${plural(first.count, 'message')}: ${first.holds}`, fix: first.fix };
  }));
  // A second poison queue with messages is its own line, with its own fix.
  for (const other of poisoned.slice(1)) lines.push({ check: 'poison queue', verdict: 'fail', detail: `${other.queue} holds ${plural(other.count, 'message')}: ${other.holds}`, fix: other.fix });

  await check(lines, 'organisation directory', config, needsStorage(async () => {
    const modified = await runtime.directory.importedAt();
    if (!modified) return { verdict: 'fail', detail: 'not imported: organisations are matched by name only', fix: 'npm run weqs -- directory import --etr ... (docs/deploy.md)' };
    // The import's real age, whatever --as-of date the other checks use.
    const ageDays = Math.max(0, Math.floor((Date.now() - modified.getTime()) / 86_400_000));
    const size = (await runtime.directory.load()).size;
    return ageDays > directoryStaleDays
      ? { verdict: 'warn', detail: `${size} organisations, imported ${ageDays} days ago`, fix: 'import the latest ODS files (NHS England publishes them monthly)' }
      : { verdict: 'pass', detail: `${size} organisations, imported ${ageDays} day(s) ago` };
  }));

  await check(lines, 'Teams webhook', config, async () => {
    const url = new URL(config.teamsWebhookUrl);
    // Reachability first, without posting anything: a TLS connection to the flow's host.
    const unreachable = await new Promise<unknown>((resolve) => {
      // SNI carries host names only (RFC 6066), never an address.
      const socket = connect({ host: url.hostname, port: Number(url.port || 443), ...(isIP(url.hostname) ? {} : { servername: url.hostname }) }, () => {
        socket.end();
        resolve(undefined);
      });
      socket.setTimeout(10_000, () => socket.destroy(Object.assign(new Error('connection timed out'), { code: 'ETIMEDOUT' })));
      socket.once('error', resolve);
    });
    if (unreachable !== undefined) {
      return { verdict: 'fail', detail: `${url.host} — ${networkAnswer(unreachable) ?? (unreachable instanceof Error ? unreachable.message : String(unreachable))}; no card can reach staff`, fix: `${webhookFix}; check this network can reach it` };
    }
    if (!options.postTestCard) return { verdict: 'pass', detail: `${url.host} accepts TLS connections (no card posted, so the flow itself is not proven; --post-test-card sends one)` };
    const card = { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.4', body: [{ type: 'TextBlock', text: 'weqs doctor: test card. The Teams webhook works.', wrap: true }] };
    try {
      // One attempt: a refusal is the answer, not something to wait out.
      await new TeamsWorkflowNotifier(config.teamsWebhookUrl, { attempts: 1, timeoutMs: 15_000 }).post({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] });
    } catch (error) {
      if (error instanceof TeamsWebhookRefused) return webhookRefusal(error.status, url.host);
      throw error;
    }
    return { verdict: 'pass', detail: `a test card was posted to ${url.host} (accepted; the flow's run history shows it reached the channel)` };
  });
  return lines;
}

export function formatDoctor(lines: DoctorLine[]): string {
  const label: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };
  return lines.map((line) => `${label[line.verdict]}  ${line.check}: ${line.detail}${line.fix ? `\n      fix: ${line.fix}` : ''}`).join('\n');
}
