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
    try {
      const lines = await runDoctor(settings, { otherMailbox, now });
      console.log(formatDoctor(lines));
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

  it('stops at the settings and names each bad one', async () => {
    const lines = await runDoctor({ ...(await readLocalSettings()), WEQS_TENANT_ID: 'contoso' });
    expect(lines).toEqual([expect.objectContaining({ check: 'settings', verdict: 'fail', detail: expect.stringContaining('WEQS_TENANT_ID must be the directory (tenant) id') })]);
  });
});
