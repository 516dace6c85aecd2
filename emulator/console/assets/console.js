// The tenant console's only script (the page's Content-Security-Policy allows no other): renders
// each Teams card with the official Adaptive Cards renderer, delivers test emails through the
// emulator's control API, and notices when the tenant changes.
/* global AdaptiveCards, window, document, fetch, sessionStorage, location, setTimeout, FormData */
'use strict';

(function () {
  // Teams renders TextBlock and Fact text with a small markdown subset: bold, italic, bulleted and
  // numbered lists, links; a line break needs a blank line (\n\n). Nothing else is listed, so
  // nothing else is honoured here, backslash escapes included: Teams shows `\(` as typed, and so
  // does the console. https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format
  // https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features
  const markdown = window.markdownit('zero', { html: false, linkify: false, breaks: false }).enable(['list', 'emphasis', 'link', 'newline', 'entity']);

  const hostConfigPromise = fetch('/_console/assets/teams-host-config.json').then((response) => response.json());

  function collectUrls(card) {
    const urls = [];
    for (const action of card.getAllActions()) if (typeof action.url === 'string') urls.push(action.url);
    return urls;
  }

  function renderCard(article, hostConfig) {
    const host = article.querySelector('.card-host');
    const problemsNode = article.querySelector('.render-problems');
    const problems = [];
    let payload;
    let version;
    try {
      payload = JSON.parse(article.querySelector('.card-json').textContent || 'null');
    } catch (error) {
      problems.push('The card JSON does not parse: ' + error.message);
    }
    if (payload) {
      const card = new AdaptiveCards.AdaptiveCard();
      card.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
      card.onExecuteAction = (action) => {
        if (action instanceof AdaptiveCards.OpenUrlAction && action.url) window.open(action.url, '_blank', 'noopener,noreferrer');
      };
      // Parsed for the version the card declares, which Teams caps at 1.5: an element or property
      // newer than either is reported, as Teams would not show it.
      const teamsMax = AdaptiveCards.Versions.v1_5;
      version = typeof payload.version === 'string' ? AdaptiveCards.Version.parse(payload.version, new AdaptiveCards.SerializationContext()) : undefined;
      if (!version || !version.isValid) problems.push('The card declares no valid version.');
      else if (version.major > teamsMax.major || (version.major === teamsMax.major && version.minor > teamsMax.minor)) {
        problems.push('The card declares version ' + version.toString() + '; Teams renders ' + teamsMax.toString() + ' and lower.');
      }
      const context = new AdaptiveCards.SerializationContext(version && version.isValid && problems.length === 0 ? version : teamsMax);
      card.parse(payload, context);
      for (let index = 0; index < context.eventCount; index += 1) problems.push(context.getEventAt(index).message);
      for (const event of card.validateProperties().validationEvents) problems.push(event.message);
      const element = card.render();
      if (element) {
        host.replaceChildren(element);
        for (const link of element.querySelectorAll('a[href]')) {
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
        }
      } else {
        problems.push('The renderer produced nothing.');
      }
      article.dataset.actionUrls = JSON.stringify(collectUrls(card));
    }
    article.dataset.render = problems.length === 0 ? 'ok' : 'problems';
    if (problems.length > 0) {
      problemsNode.textContent = 'Renderer: ' + problems.join(' | ');
      problemsNode.hidden = false;
    }
  }

  async function renderCards() {
    AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
      result.outputHtml = markdown.render(text);
      result.didProcess = true;
    };
    const hostConfig = await hostConfigPromise;
    for (const article of document.querySelectorAll('.teams-card')) renderCard(article, hostConfig);
    document.body.dataset.cardsRendered = 'true';
  }

  // The same headers `npm run send -- --spoofed` adds: a message that fails SPF, DKIM and DMARC.
  function spoofedHeaders(from) {
    const domain = from.split('@')[1] || 'example.org';
    return [{
      name: 'Authentication-Results',
      value: 'spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=' + domain + '; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=' + domain + ';compauth=fail reason=000',
    }];
  }

  const watchKey = 'weqs-console-watch-until';
  const sendStatusKey = 'weqs-console-send-status';
  const fingerprint = () => document.querySelector('meta[name="weqs-fingerprint"]').content;

  async function watchForChanges() {
    for (;;) {
      const watching = Number(sessionStorage.getItem(watchKey) || '0') > Date.now();
      await new Promise((resolve) => setTimeout(resolve, watching ? 500 : 3000));
      let current;
      try {
        current = await (await fetch('/_console/fingerprint', { cache: 'no-store' })).text();
      } catch {
        continue;
      }
      if (current === fingerprint()) continue;
      if (Number(sessionStorage.getItem(watchKey) || '0') > Date.now()) {
        location.reload();
        return;
      }
      document.getElementById('changed').hidden = false;
    }
  }

  function wireSendForm() {
    const form = document.getElementById('send-form');
    const result = document.getElementById('send-result');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const from = String(data.get('from') || '').trim();
      const email = {
        from: { address: from, ...(String(data.get('name') || '').trim() ? { name: String(data.get('name')).trim() } : {}) },
        subject: String(data.get('subject') || ''),
        body: String(data.get('body') || ''),
        ...(String(data.get('to') || '').trim() ? { to: String(data.get('to')).trim() } : {}),
        ...(data.get('spoofed') ? { headers: spoofedHeaders(from) } : {}),
      };
      result.textContent = 'Sending…';
      const response = await fetch('/_emulator/inbox', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(email) });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        result.textContent = 'Not delivered: ' + ((body.error && body.error.message) || response.status);
        return;
      }
      // Follow what weqs does for the next minute: the page reloads whenever the tenant changes.
      sessionStorage.setItem(watchKey, String(Date.now() + 60_000));
      sessionStorage.setItem(sendStatusKey, 'Delivered to the inbox. Watching for what weqs does (the page reloads as it changes)…');
      result.textContent = sessionStorage.getItem(sendStatusKey);
    });
    if (Number(sessionStorage.getItem(watchKey) || '0') > Date.now()) result.textContent = sessionStorage.getItem(sendStatusKey) || '';
  }

  document.addEventListener('DOMContentLoaded', () => {
    wireSendForm();
    void renderCards();
    void watchForChanges();
  });
})();
