import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { demoEmails } from '../../dev/demo.js';
import { ODS_SEARCH_URL } from '../../src/domain/applicant-emails.js';
import { projectRoot } from '../../dev/local-settings.js';
import { browserRequired, chromiumPath, launchChromium, newConsoleContext, runBrowserTests, screenshotDirectory, withScreenshotOnFailure } from '../support/browser.js';
import { everyCard, forwardedSubject } from '../support/card-fixtures.js';
import { inbox, siteHostname, sitePath, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

/**
 * The tenant console (`https://127.0.0.1:4000/` under `npm start`) in a real browser: what staff
 * would see in Outlook, SharePoint and Teams, rendered as they would see it.
 */

const tenantSharePoint = `https://${siteHostname}${sitePath}/`;
const inboxLink = `mailto:${inbox}`;

/** A backslash before ASCII punctuation: a markdown escape Teams does not honour and shows as typed. */
const STRAY_ESCAPE = /\\[!-/:-@[-`{-~]/;
/** Markdown that should have become formatting or a link, left as raw characters. */
const RAW_MARKDOWN = /\*\*|__|\]\(|^#{1,6} |^> /m;

async function openConsole(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.locator('body[data-cards-rendered="true"]').waitFor({ timeout: 30_000 });
}

interface RenderedCard {
  index: number;
  render: string | undefined;
  runStatus: string | undefined;
  problems: string;
  text: string;
  links: string[];
}

async function renderedCards(page: Page): Promise<RenderedCard[]> {
  return page.$$eval('.teams-card', (articles) =>
    articles.map((article) => {
      // Runs in the page; the project's TypeScript has no DOM library, so the shape used is named here.
      const host = article.querySelector('.card-host') as unknown as { innerText: string; querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }> } | null;
      const actionUrls = JSON.parse(article.getAttribute('data-action-urls') ?? '[]') as string[];
      const anchors = Array.from(host?.querySelectorAll('a[href]') ?? []).map((anchor) => anchor.getAttribute('href') ?? '');
      return {
        index: Number(article.getAttribute('data-index')),
        render: article.getAttribute('data-render') ?? undefined,
        runStatus: article.getAttribute('data-run-status') ?? undefined,
        problems: article.querySelector('.render-problems')?.textContent ?? '',
        text: host?.innerText ?? '',
        links: [...actionUrls, ...anchors],
      };
    }),
  );
}

/** Every link in every email body, read from the sandboxed frames the console shows them in. */
async function emailLinks(page: Page): Promise<{ subject: string; links: string[] }[]> {
  await page.$$eval('details.body', (details) => details.forEach((element) => ((element as unknown as { open: boolean }).open = true)));
  const frames = page.locator('iframe.html-body');
  const count = await frames.count();
  const result: { subject: string; links: string[] }[] = [];
  for (let index = 0; index < count; index += 1) {
    const frame = frames.nth(index);
    await frame.scrollIntoViewIfNeeded();
    const title = (await frame.getAttribute('title')) ?? '';
    const content = frame.contentFrame();
    await content.locator('body').waitFor({ timeout: 15_000 });
    const links = await content.locator('a[href]').evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href') ?? ''));
    result.push({ subject: title, links });
  }
  return result;
}

/**
 * The one page outside the tenant weqs links to on purpose: NHS England's ODS search, where an
 * applicant whose organisation name is shared looks up its code (`ODS_SEARCH_URL`). Anything
 * else must be the tenant's SharePoint or the inbox.
 */
const deliberateExternalLinks: ReadonlySet<string> = new Set([ODS_SEARCH_URL]);

const pointsAtTenant = (link: string): boolean =>
  link.startsWith(tenantSharePoint) || link.toLowerCase() === inboxLink || link.toLowerCase().startsWith(`${inboxLink}?`) || deliberateExternalLinks.has(link);

describe.runIf(runBrowserTests)('the tenant console in Chromium, with weqs running', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    if (!chromiumPath) throw new Error(`No Chromium found and the browser tests are required here (CI=${process.env.CI ?? ''}): install it with apt-get install chromium.`);
    [stack, browser] = await Promise.all([startStack({ directory: 'sample' }), launchChromium()]);
    context = await newConsoleContext(browser);
  }, 180_000);
  // A fresh tab per test: the form's "follow the tenant" mode lives in the tab's session storage.
  beforeEach(async () => {
    page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.dismiss());
  });
  afterEach(async () => page?.close());
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('delivers a request from the console form and shows the reply, the folder and the card appearing', async () => {
    await withScreenshotOnFailure(page, 'console-form-request', async () => {
      await openConsole(page, stack.env.emulator.url);
      const first = demoEmails[0]!.email;
      await page.fill('#send-form input[name="from"]', first.from.address);
      await page.fill('#send-form input[name="name"]', first.from.name ?? '');
      await page.fill('#send-form input[name="subject"]', first.subject);
      await page.fill('#send-form textarea[name="body"]', first.body ?? '');
      await page.click('#send-form button[type="submit"]');
      await page.locator('#send-result', { hasText: 'Delivered to the inbox' }).waitFor({ timeout: 10_000 });

      // The page follows the tenant as weqs works: each of these appears without a manual reload.
      const inboxMessage = page.locator('.folder[data-folder="inbox"] .message', { hasText: first.subject });
      await inboxMessage.locator('.category', { hasText: 'WEQS: application opened' }).waitFor({ timeout: 60_000 });
      await page.locator('.folder[data-folder="sentitems"] .message .subject', { hasText: `RE: ${first.subject}` }).waitFor({ timeout: 30_000 });
      await expect(inboxMessage.locator('.weqs-did').innerText()).resolves.toContain('Replied: RE: Work Experience Quality Standard');
      const folder = page.locator('.library .folder-node', { hasText: 'Northshire Hospitals NHS Foundation Trust' }).first();
      await folder.waitFor({ timeout: 30_000 });
      await expect(folder.locator('.access-user').first().innerText()).resolves.toBe(`${first.from.address}: edit`);
      await page.locator('.teams-card[data-render="ok"] .card-host', { hasText: 'New application' }).waitFor({ timeout: 30_000 });
      await page.locator('#lists .list[data-list="Applications"] tbody tr', { hasText: 'Northshire Hospitals NHS Foundation Trust' }).waitFor({ timeout: 30_000 });
    });
  }, 120_000);

  it('shows the demo’s five emails side by side with what weqs did, the folder and the cards (the README screenshot)', async () => {
    await withScreenshotOnFailure(page, 'console-demo', async () => {
      // The first sample is the request the form test sent; any sample not in the inbox yet arrives now.
      const state = await stack.env.control.state();
      const arrived = new Set(state.mailboxes.flatMap((mailbox) => (mailbox.folders.inbox ?? []).map((message) => message.subject)));
      for (const sample of demoEmails) if (!arrived.has(sample.email.subject)) await stack.env.control.deliver(sample.email);
      // Four cards: the new application, the duplicate, the spoofed request and the shared name.
      // The console renders the emulator's state, so wait for weqs's work there, then render it once.
      await vi.waitFor(
        async () => {
          const now = await stack.env.control.state();
          const folders = now.mailboxes.find((mailbox) => mailbox.address === inbox)?.folders;
          expect(now.teams.length).toBeGreaterThanOrEqual(4);
          expect((folders?.inbox ?? []).filter((message) => message.categories.length > 0).length).toBeGreaterThanOrEqual(4);
          expect((folders?.sentitems ?? []).length).toBeGreaterThanOrEqual(3);
        },
        { timeout: 60_000, interval: 200 },
      );
      await openConsole(page, stack.env.emulator.url);
      await expect(page.locator('.folder[data-folder="inbox"] .message').count()).resolves.toBe(5);
      await expect(page.locator('.teams-card').count()).resolves.toBe(4);
      await mkdir(screenshotDirectory, { recursive: true });
      const shot = join(screenshotDirectory, 'console.png');
      await page.screenshot({ path: shot });
      // `WEQS_UPDATE_DOCS_SCREENSHOT=1 npx vitest run test/browser` refreshes the README's image.
      if (process.env.WEQS_UPDATE_DOCS_SCREENSHOT === '1') await copyFile(shot, join(projectRoot, 'docs', 'console.png'));
    });
  }, 120_000);

  it('renders every card weqs posted without a renderer problem, and every link in cards and emails points at the tenant’s SharePoint or the inbox', async () => {
    await withScreenshotOnFailure(page, 'console-links', async () => {
      await openConsole(page, stack.env.emulator.url);
      const cards = await renderedCards(page);
      expect(cards.length).toBeGreaterThanOrEqual(4);
      for (const card of cards) {
        expect(card, card.text.slice(0, 80)).toMatchObject({ render: 'ok', runStatus: 'Succeeded', problems: '' });
        for (const link of card.links) expect(pointsAtTenant(link), `card link ${link}`).toBe(true);
      }
      const emails = await emailLinks(page);
      // The replies carry the folder and form links, so there is something to check.
      expect(emails.flatMap((email) => email.links).length).toBeGreaterThan(0);
      for (const email of emails) for (const link of email.links) expect(pointsAtTenant(link), `${email.subject}: ${link}`).toBe(true);
    });
  }, 120_000);
});

describe.runIf(runBrowserTests)('every Teams card weqs can post, and hostile names, in the console', () => {
  let env: TestEmulator;
  let browser: Browser;
  let page: Page;
  const fixtures = Object.entries(everyCard());
  const ranScript: string[] = [];

  const post = async (card: unknown): Promise<void> => {
    const response = await fetch(env.emulator.webhookUrl('staff-channel'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] }),
    });
    expect(response.status).toBe(202);
  };

  beforeAll(async () => {
    if (!chromiumPath) throw new Error(`No Chromium found and the browser tests are required here (CI=${String(browserRequired)}): install it with apt-get install chromium.`);
    [env, browser] = await Promise.all([startTestEmulator(), launchChromium()]);
    const context = await newConsoleContext(browser);
    page = await context.newPage();
    // Any of these means something a hostile name carried was run or tried to run.
    page.on('dialog', (dialog) => {
      ranScript.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    // The console page itself never has anything blocked; an email's own script being refused
    // inside its sandboxed frame (/_console/mail/…) is that frame doing its job.
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to|Blocked script/i.test(message.text()) && !message.location().url.includes('/_console/mail/')) ranScript.push(`blocked: ${message.text()}`);
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  });

  it('renders one of each card kind without errors, raw markdown or backslash escapes', async () => {
    await withScreenshotOnFailure(page, 'console-every-card', async () => {
      for (const [, payload] of fixtures) await post(payload.attachments[0].content);
      await openConsole(page, env.emulator.url);
      const cards = await renderedCards(page);
      expect(cards).toHaveLength(fixtures.length);
      const strayEscapes: string[] = [];
      for (const card of cards) {
        // Newest first: the last fixture posted is shown first.
        const name = fixtures[fixtures.length - 1 - card.index]![0];
        expect(card, name).toMatchObject({ render: 'ok', runStatus: 'Succeeded', problems: '' });
        expect(card.text.trim().length, name).toBeGreaterThan(0);
        expect(card.text, name).not.toMatch(RAW_MARKDOWN);
        if (STRAY_ESCAPE.test(card.text)) strayEscapes.push(name);
        // Markdown characters a sender typed show exactly as typed.
        if (name === 'untrustedSender') expect(card.text).toContain(forwardedSubject);
        for (const link of card.links) expect(pointsAtTenant(link), `${name}: ${link}`).toBe(true);
      }
      // No card shows a backslash escape as typed.
      expect(strayEscapes).toEqual([]);
    });
  }, 120_000);

  it('shows a card the renderer cannot read, and a stray escape, as problems (the checks can fail)', async () => {
    await withScreenshotOnFailure(page, 'console-bad-card', async () => {
      await post({ type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'Escaped \\(like this\\)', wrap: true }, { type: 'Carousel', pages: [] }] });
      await openConsole(page, env.emulator.url);
      const [newest] = await renderedCards(page);
      expect(newest?.render).toBe('problems');
      expect(newest?.problems).toMatch(/Unknown element type "Carousel"/);
      expect(newest?.text).toMatch(STRAY_ESCAPE);
    });
  }, 60_000);

  it('shows the emulator clock and the active fault rules, read-only', async () => {
    await withScreenshotOnFailure(page, 'console-clock-faults', async () => {
      await env.control.call('POST', '/_emulator/clock', { set: '2027-01-18T22:30:00.000Z' });
      await env.control.addFaults({ method: 'POST', path: '/v1.0/users/*/sendMail', status: 429, retryAfterSeconds: 7, times: 2 });
      await openConsole(page, env.emulator.url);
      await expect(page.locator('#clock').getAttribute('datetime')).resolves.toMatch(/^2027-01-18T22:3/);
      const row = await page.locator('#faults tbody tr td').allInnerTexts();
      expect(row).toEqual(['POST', '/v1.0/users/*/sendMail', '429, Retry-After 7s', '2', '0']);
      // Nothing on the page changes the clock or the rules: the only form is the test email's.
      await expect(page.locator('form').count()).resolves.toBe(1);
      await env.control.clearFaults();
      await env.control.call('POST', '/_emulator/clock', { set: new Date().toISOString() });
    });
  }, 60_000);

  it('shows hostile subjects, names, file names and card text as text: no script from them ever runs', async () => {
    await withScreenshotOnFailure(page, 'console-hostile', async () => {
      const script = '<script>window.__hostile = "script"</script>';
      const image = '<img src=x onerror="window.__hostile = \'img\'">';
      const subject = `Work Experience Quality Standard – ${script}${image}"><svg onload=alert(1)>`;
      await env.control.deliver({
        from: { name: `</title><script>alert(1)</script>`, address: 'mallory@evil.example' },
        subject,
        body: `<p>Hello</p>${script}${image}<a href="javascript:alert(1)">click</a>`,
        contentType: 'html',
        headers: [{ name: 'X-Evil', value: image }],
      });
      const { sharepoint } = env.emulator.context;
      const drive = sharepoint.sites[0]!.drives.find((candidate) => candidate.name === 'Application evidence')!;
      const actor = { id: 'mallory', displayName: 'Mallory' };
      // SharePoint refuses < > " in names, so a name can only try entities and quotes.
      const folder = sharepoint.addItem(drive, drive.root, { name: `x' onmouseover='alert(1)' &lt;img src=x onerror=alert(1)&gt;`, folder: true, actor });
      sharepoint.addItem(drive, folder, { name: `&lt;script&gt;alert(1)&lt;%2Fscript&gt; (1).pdf`, folder: false, content: Buffer.from('%PDF-1.4'), actor });
      // An invitation not yet redeemed: the person holds no permission on the folder yet.
      sharepoint.sharingInvitations.push({ itemId: folder.id, email: 'pending.person@nhs.example', roles: ['write'], sentAt: new Date().toISOString() });
      await post({ type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: `${script}${image} [click](javascript:alert(1))`, wrap: true }] });

      await openConsole(page, env.emulator.url);
      await page.$$eval('details', (details) => details.forEach((element) => ((element as unknown as { open: boolean }).open = true)));
      await page.locator('iframe.html-body').first().contentFrame().locator('body').waitFor({ timeout: 15_000 });
      // Once every document and frame has loaded, any image error or load handler would have run.
      for (const frame of page.frames()) await frame.waitForLoadState('load');

      await expect(page.locator('.message .subject', { hasText: subject }).count()).resolves.toBe(1);
      await expect(page.locator('.message .from', { hasText: '</title><script>alert(1)</script>' }).count()).resolves.toBe(1);
      await expect(page.locator('.headers td', { hasText: image }).count()).resolves.toBeGreaterThan(0);
      await expect(page.locator('.tree .name', { hasText: `x' onmouseover='alert(1)' &lt;img src=x onerror=alert(1)&gt;` }).count()).resolves.toBe(1);
      await expect(page.locator('.tree .name', { hasText: '&lt;script&gt;alert(1)&lt;%2Fscript&gt; (1).pdf' }).count()).resolves.toBe(1);
      const hostileFolder = page.locator('.folder-node', { hasText: `x' onmouseover=` }).last().locator(':scope > details > summary');
      await expect(hostileFolder.locator('.access').allInnerTexts()).resolves.toEqual(['inherited from Application evidence', 'pending.person@nhs.example: edit (pending invitation)']);
      await expect(page.locator('.teams-card .card-host', { hasText: '<script>window.__hostile' }).count()).resolves.toBe(1);

      const inPage = await page.evaluate(() => {
        // Runs in the page; the project's TypeScript has no DOM library, so the shape used is named here.
        const browser = globalThis as unknown as {
          __hostile?: string;
          location: { origin: string };
          document: { scripts: ArrayLike<{ type: string; src: string }>; querySelectorAll(selector: string): { length: number } };
        };
        const { document } = browser;
        return {
          hostile: browser.__hostile,
          scripts: Array.from(document.scripts).filter((element) => element.type !== 'application/json').map((element) => element.src.replace(browser.location.origin, '')),
          handlers: document.querySelectorAll('[onerror], [onload], [onmouseover], [onclick]').length,
          images: document.querySelectorAll('img[src="x"], svg').length,
          javascriptLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
        };
      });
      expect(inPage).toEqual({
        hostile: undefined,
        scripts: ['/_console/assets/markdown-it.min.js', '/_console/assets/adaptivecards.min.js', '/_console/assets/console.js'],
        handlers: 0,
        images: 0,
        javascriptLinks: 0,
      });
      // The email's own markup shows in the sandboxed frame, where its script cannot run.
      const frame = page.locator('iframe.html-body').first().contentFrame();
      await expect(frame.locator('p', { hasText: 'Hello' }).count()).resolves.toBe(1);
      expect(ranScript).toEqual([]);
    });
  }, 60_000);
});

if (!runBrowserTests) {
  describe('the tenant console in Chromium', () => {
    it.skip('needs Chromium: apt-get install chromium (required when CI=true)', () => undefined);
  });
}
