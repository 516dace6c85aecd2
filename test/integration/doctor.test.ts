import { parseReviewCalendarFile } from '../../src/domain/review-calendar-file.js';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedTenantSettings, projectRoot, readLocalSettings } from '../../dev/local-settings.js';
import { startAzurite } from '../../dev/storage-emulator.js';
import type { RunningAzurite } from '../../dev/storage-emulator.js';
import { formatDoctor, runDoctor } from '../../src/cli/doctor.js';
import type { DoctorLine } from '../../src/cli/doctor.js';
import { loadConfig } from '../../src/config.js';
import { ensureApplicationsListColumns } from '../../src/graph/applications-list.js';
import { ensureReviewCalendarList } from '../../src/graph/review-calendar-list.js';
import { GraphSubscriptions } from '../../src/graph/subscriptions.js';
import { buildDirectoryFromOds } from '../../src/organisations/ods-import.js';
import { createRuntime } from '../../src/runtime.js';
import { maintainInboxSubscription } from '../../src/workflows/maintain-inbox-subscription.js';
import { validationHandshake } from '../../src/workflows/receive-notifications.js';
import { otherMailbox, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator, TestEmulatorOptions } from '../support/emulator.js';
import { readFile } from 'node:fs/promises';
import { QueueServiceClient } from '@azure/storage-queue';
import { unusedPort } from '../support/ports.js';

/**
 * `weqs doctor` against the embedded tenant set up right, and against tenants set up wrongly in
 * one way each: every broken tenant must be named by exactly the check that covers it.
 */
let storage: RunningAzurite;
let endpoint: Server;
let endpointUrl = '';
let answerValidation = true;

beforeAll(async () => {
  storage = await startAzurite();
  // The notification endpoint, answering Graph's validation with weqs's own handshake.
  endpoint = createServer((request, response) => {
    const token = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('validationToken');
    const answer = answerValidation ? validationHandshake(token) : undefined;
    if (!answer) return void response.writeHead(404).end();
    response.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain' }).end(answer.body);
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  endpointUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => endpoint.close(() => resolve()));
  await storage.stop();
});

interface Deployment {
  env: TestEmulator;
  settings: Record<string, string>;
}

/** A tenant and storage prepared as docs/deploy.md describes (setup, calendar, directory, subscription), minus what `skip` names. */
async function deployment(options: TestEmulatorOptions & { skip?: ('directory' | 'subscription' | 'setup')[] } = {}): Promise<Deployment> {
  const env = await startTestEmulator(options);
  // Each deployment its own storage tables and queues would need a new account: reuse one, and clear the directory blob where skipped.
  const settings = embeddedTenantSettings(await readLocalSettings(), { emulatorUrl: env.emulator.url, webhookUrl: env.emulator.webhookUrl('staff-channel'), storage: storage.connectionString, hostUrl: endpointUrl });
  settings.WEQS_LOG_LEVEL = 'silent';
  const runtime = createRuntime(loadConfig(settings));
  const site = await runtime.site();
  if (!options.skip?.includes('setup')) await ensureApplicationsListColumns(runtime.graph, site);
  await ensureReviewCalendarList(runtime.graph, site.siteId, runtime.config.site.calendarList);
  await runtime.calendarList.importCycles(parseReviewCalendarFile(JSON.parse(await readFile(join(projectRoot, 'config', 'review-calendar.json'), 'utf8'))).rows as Record<string, unknown>[]);
  const sample = join(projectRoot, 'config', 'organisation-directory.sample');
  if (options.skip?.includes('directory')) {
    await runtime.directory.remove();
  } else {
    const files = Object.fromEntries(await Promise.all(['etr', 'epraccur', 'egdpprac', 'icb', 'succ'].map(async (kind) => [kind, await readFile(join(sample, `${kind}.csv`), 'utf8')])));
    await runtime.directory.save(buildDirectoryFromOds(files));
  }
  if (!options.skip?.includes('subscription')) await maintainInboxSubscription(new GraphSubscriptions(runtime.graph), { inboxAddress: runtime.config.inboxAddress, ...runtime.config.subscription }, new Date());
  return { env, settings };
}

const now = new Date('2026-09-10T12:00:00Z');
const verdicts = (lines: DoctorLine[]): Record<string, string> => Object.fromEntries(lines.map((line) => [line.check, line.verdict]));
const line = (lines: DoctorLine[], check: string): DoctorLine => lines.find((entry) => entry.check === check) ?? { check, verdict: 'fail', detail: 'missing line' };

describe('weqs doctor', () => {
  it('passes against the embedded tenant set up as the runbook says (its output is in docs/deploy.md)', async () => {
    const { env, settings } = await deployment();
    const queues = QueueServiceClient.fromConnectionString(storage.connectionString);
    const poisonQueues = ['inbound-messages-poison', 'subscription-events-poison'];
    await Promise.all(poisonQueues.map((name) => queues.getQueueClient(name).deleteIfExists()));
    try {
      const lines = await runDoctor(settings, { otherMailbox, now });
      console.log(formatDoctor(lines));
      // Read-only: a poison queue that does not exist is empty, and checking it did not create it.
      const names: string[] = [];
      for await (const queue of queues.listQueues()) names.push(queue.name);
      expect(names.filter((name) => poisonQueues.includes(name))).toEqual([]);
      expect(lines.filter((entry) => entry.verdict === 'fail')).toEqual([]);
      expect(verdicts(lines)).toMatchObject({ settings: 'pass', token: 'pass', roles: 'pass', inbox: 'pass', 'mailbox scope': 'pass', site: 'pass', subscription: 'pass', storage: 'pass', 'poison queue': 'pass', 'organisation directory': 'pass', 'Teams webhook': 'pass' });
      // Locally the notification URL is loopback HTTP; no catalogue is loaded; and the shipped
      // calendar holds only the published cycles, so no future deadline: reviews are paused.
      expect(line(lines, 'notification URL').verdict).toBe('warn');
      expect(line(lines, 'review calendar')).toMatchObject({ verdict: 'warn', detail: expect.stringMatching(/reviews are paused/) });
    } finally {
      await env.stop();
    }
  }, 120_000);

  it('warns loudly on tenant-wide Mail roles and fails the mailbox scope', async () => {
    const { env, settings } = await deployment({ tenant: (seed) => ({ ...seed, applications: seed.applications.map((app, index) => (index === 0 ? { ...app, roles: [...app.roles, 'Mail.Read'] } : app)) }) });
    try {
      const lines = await runDoctor(settings, { otherMailbox, now });
      expect(line(lines, 'roles')).toMatchObject({ verdict: 'warn', detail: expect.stringContaining('TENANT-WIDE ROLES GRANTED: Mail.Read') });
      expect(line(lines, 'mailbox scope')).toMatchObject({ verdict: 'fail', detail: `${otherMailbox} is readable too: mail access is not limited to the inbox` });
    } finally {
      await env.stop();
    }
  }, 120_000);

  it('fails the inbox when the Exchange RBAC assignment is missing', async () => {
    const { env, settings } = await deployment({ skip: ['subscription'], tenant: (seed) => ({ ...seed, applications: seed.applications.map((app, index) => (index === 0 ? { ...app, mailboxRoles: {} } : app)) }) });
    try {
      const lines = await runDoctor(settings, { otherMailbox, now });
      expect(line(lines, 'inbox')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('HTTP 403') });
      expect(line(lines, 'roles').verdict).toBe('pass');
    } finally {
      await env.stop();
    }
  }, 120_000);

  it('fails the site without the Sites.Selected grant on it', async () => {
    const { env, settings } = await deployment();
    try {
      // The grant withdrawn after set-up: the token still carries Sites.Selected, the site refuses.
      const app = env.tenant.applications[0];
      if (app) app.siteRoles = {};
      const lines = await runDoctor(settings, { otherMailbox, now });
      expect(line(lines, 'site')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('HTTP 403') });
      expect(line(lines, 'inbox').verdict).toBe('pass');
    } finally {
      await env.stop();
    }
  }, 120_000);

  it('names a missing subscription, missing list columns, no directory and a notification URL that does not answer', async () => {
    const { env, settings } = await deployment({ skip: ['subscription', 'directory', 'setup'] });
    answerValidation = false;
    try {
      const lines = await runDoctor(settings, { otherMailbox, now });
      expect(line(lines, 'subscription')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('no subscription for') });
      expect(line(lines, 'site')).toMatchObject({ verdict: 'fail', fix: 'run `npm run weqs -- setup`' });
      expect(line(lines, 'organisation directory')).toMatchObject({ verdict: 'fail', detail: 'not imported: organisations are matched by name only' });
      expect(line(lines, 'notification URL')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('answered 404') });
    } finally {
      answerValidation = true;
      await env.stop();
    }
  }, 120_000);

  it('fails on messages in a poison queue, naming the queue, the count and how to inspect and replay them', async () => {
    const { env, settings } = await deployment();
    const queues = QueueServiceClient.fromConnectionString(storage.connectionString);
    const inboundPoison = queues.getQueueClient('inbound-messages-poison');
    const eventsPoison = queues.getQueueClient('subscription-events-poison');
    await Promise.all([inboundPoison.createIfNotExists(), eventsPoison.createIfNotExists()]);
    try {
      await inboundPoison.sendMessage(Buffer.from(JSON.stringify({ kind: 'inbox-message', messageId: 'AAMk-poisoned-1' })).toString('base64'));
      await inboundPoison.sendMessage(Buffer.from(JSON.stringify({ kind: 'inbox-message', messageId: 'AAMk-poisoned-2' })).toString('base64'));
      await eventsPoison.sendMessage(Buffer.from(JSON.stringify({ event: 'missed' })).toString('base64'));
      const lines = (await runDoctor(settings, { otherMailbox, now })).filter((entry) => entry.check === 'poison queue');
      expect(lines).toEqual([
        {
          check: 'poison queue',
          verdict: 'fail',
          detail: 'inbound-messages-poison holds 2 messages: emails whose processing failed five times (each also has a staff card)',
          fix: 'inspect them with `npm run weqs -- outcomes` (each failed email and why) or `az storage message peek --queue-name inbound-messages-poison --num-messages 32 --connection-string "$AzureWebJobsStorage"`; fix the cause, then `npm run weqs -- replay-failed` queues every failed email again and clears inbound-messages-poison',
        },
        expect.objectContaining({ verdict: 'fail', detail: "subscription-events-poison holds 1 message: Graph lifecycle events (reauthorize or recreate the inbox subscription) that failed five times", fix: expect.stringContaining('az storage message clear --queue-name subscription-events-poison') }),
      ]);
    } finally {
      await Promise.all([inboundPoison.clearMessages(), eventsPoison.clearMessages()]);
      await env.stop();
    }
  }, 120_000);

  it('fails storage naming the endpoint it tried, and checks nothing else that needs storage', async () => {
    const { env, settings } = await deployment();
    const port = await unusedPort();
    try {
      const down = settings.AzureWebJobsStorage?.replace(/127\.0\.0\.1:\d+/g, `127.0.0.1:${port}`) ?? '';
      const lines = await runDoctor({ ...settings, AzureWebJobsStorage: down }, { otherMailbox, now });
      expect(line(lines, 'storage')).toEqual({
        check: 'storage',
        verdict: 'fail',
        detail: `Azure Storage at http://127.0.0.1:${port}/devstoreaccount1 (the queue endpoint in AzureWebJobsStorage): nothing is listening there (connection refused)`,
        fix: 'check AzureWebJobsStorage or AzureWebJobsStorage__accountName (locally: is Azurite running? `npm run storage` starts it in memory on loopback with --disableTelemetry)',
      });
      for (const check of ['criteria catalogue', 'poison queue', 'organisation directory']) expect(line(lines, check)).toMatchObject({ verdict: 'fail', detail: 'not checked: Azure Storage did not answer (see the storage line)' });
      // What does not need storage is still checked.
      expect(verdicts(lines)).toMatchObject({ token: 'pass', inbox: 'pass', site: 'pass', subscription: 'pass', 'Teams webhook': 'pass' });
    } finally {
      await env.stop();
    }
  }, 120_000);

  it('fails the Teams webhook when nothing answers at its address', async () => {
    const { env, settings } = await deployment();
    const port = await unusedPort();
    try {
      const lines = await runDoctor({ ...settings, WEQS_TEAMS_WEBHOOK_URL: `https://127.0.0.1:${port}/workflows/staff-channel/triggers/manual/paths/invoke?sig=abc` }, { otherMailbox, now });
      expect(line(lines, 'Teams webhook')).toMatchObject({ verdict: 'fail', detail: `127.0.0.1:${port} — nothing is listening there (connection refused); no card can reach staff`, fix: expect.stringContaining('set WEQS_TEAMS_WEBHOOK_URL (Key Vault secret weqs-teams-webhook-url in Azure)') });
    } finally {
      await env.stop();
    }
  }, 120_000);

  it('posts a test card only with --post-test-card, and fails when the flow refuses it', async () => {
    const { env, settings } = await deployment();
    try {
      const good = settings.WEQS_TEAMS_WEBHOOK_URL ?? '';
      const wrongSignature = good.replace(/sig=[^&]+/, 'sig=not-the-flows-signature');
      expect(wrongSignature).not.toBe(good);
      const cards = async (): Promise<number> => (await env.control.state()).teams.length;
      const before = await cards();

      // Without the option nothing is posted, so a refusing flow is not found out, and the line says so.
      const quiet = await runDoctor({ ...settings, WEQS_TEAMS_WEBHOOK_URL: wrongSignature }, { otherMailbox, now });
      expect(line(quiet, 'Teams webhook')).toMatchObject({ verdict: 'pass', detail: expect.stringContaining('no card posted, so the flow itself is not proven') });
      expect(await cards()).toBe(before);

      const refused = await runDoctor({ ...settings, WEQS_TEAMS_WEBHOOK_URL: wrongSignature }, { otherMailbox, now, postTestCard: true });
      expect(line(refused, 'Teams webhook')).toMatchObject({ verdict: 'fail', detail: `${new URL(good).host} refused the test card (HTTP 401): the URL's signature (sig) is not valid for the flow`, fix: expect.stringContaining('WEQS_TEAMS_WEBHOOK_URL') });
      expect(await cards()).toBe(before);

      const posted = await runDoctor(settings, { otherMailbox, now, postTestCard: true });
      expect(line(posted, 'Teams webhook')).toMatchObject({ verdict: 'pass', detail: expect.stringContaining('a test card was posted') });
      expect(await cards()).toBe(before + 1);
    } finally {
      await env.stop();
    }
  }, 120_000);

  it('names each invalid review calendar row and what is wrong with it', async () => {
    const { env, settings } = await deployment();
    try {
      const runtime = createRuntime(loadConfig(settings));
      // Staff typing into the list are not checked first: decisions open before the review even starts.
      await runtime.calendarList.importCycles([{ id: 'typo-2027', name: 'Typo cycle', submissionDeadline: '2027-05-18', reviewStart: '2027-06-01', reviewEnd: '2027-07-27', decisionsOpen: '2027-05-01', decisionsClose: '2027-05-14' }]);
      const onlyTypo = line(await runDoctor(settings, { otherMailbox, now }), 'review calendar');
      // The typo was meant to be the next cycle: without it there is none, and applicants are told reviews are paused.
      expect(onlyTypo).toMatchObject({ verdict: 'fail', detail: '1 row ignored as invalid — Typo cycle (typo-2027): Decisions open (1 May 2027) must be after review end (27 Jul 2027). No valid future cycle remains, so applicants are told reviews are paused.', fix: expect.stringContaining("correct the row in the 'Review calendar' list") });

      await runtime.calendarList.importCycles([{ id: 'example-2027-c2', name: 'Example cycle, autumn 2027', submissionDeadline: '2027-09-20', reviewStart: '2027-10-04', reviewEnd: '2027-11-29', decisionsOpen: '2027-11-30', decisionsClose: '2027-12-14', notes: 'EXAMPLE ONLY: not published.' }]);
      expect(line(await runDoctor(settings, { otherMailbox, now }), 'review calendar')).toMatchObject({ verdict: 'warn', detail: expect.stringMatching(/^1 row ignored as invalid — Typo cycle \(typo-2027\): Decisions open .* Next valid deadline: end of .*2027 \(Example cycle, autumn 2027\)\.$/) });
    } finally {
      await env.stop();
    }
  }, 120_000);

  it('stops at the settings and names each bad one', async () => {
    const lines = await runDoctor({ ...(await readLocalSettings()), WEQS_TENANT_ID: 'contoso' });
    expect(lines).toEqual([expect.objectContaining({ check: 'settings', verdict: 'fail', detail: expect.stringContaining('WEQS_TENANT_ID must be the directory (tenant) id') })]);
  });
});
