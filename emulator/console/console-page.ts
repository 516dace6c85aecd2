import { html, jsonForScript } from './html.js';
import type { SafeHtml } from './html.js';
import type { Access, CardView, DriveNodeView, ListView, MessageView, TenantView } from './tenant-view.js';

/**
 * The tenant console: what staff see in Outlook, SharePoint and Teams, and what the emulator's
 * clock and fault rules are, as one server-rendered page. Everything shown went through `html`,
 * which escapes it; cards are rendered in the browser from JSON blocks by `console.js`.
 */

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

function when(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

function bytes(size: number): string {
  return size < 1024 ? `${size} B` : `${(size / 1024).toFixed(1)} KB`;
}

/** Outlook's preset colours, assigned by category name so one category always looks the same. */
const categoryColours = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'teal', 'olive'];
function categoryClass(name: string): string {
  let hash = 0x811c9dc5;
  for (const char of name) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  hash = (hash ^ (hash >>> 16)) >>> 0;
  return `category category-${categoryColours[hash % categoryColours.length] ?? 'blue'}`;
}

function message(view: MessageView, mailbox: string, replies: readonly MessageView[]): SafeHtml {
  const bodyUrl = `/_console/mail/${encodeURIComponent(mailbox)}/${encodeURIComponent(view.id)}/body`;
  return html`<article class="message" data-folder="${view.folder}" data-conversation="${view.conversationId}">
  <header>
    <h4 class="subject">${view.subject || '(no subject)'}</h4>
    <p class="meta"><span class="from">${view.folder === 'inbox' ? view.from : `To ${view.to.join(', ')}`}</span> · <time datetime="${view.receivedDateTime}">${when(view.receivedDateTime)}</time></p>
    ${view.categories.length > 0 ? html`<p class="categories">${view.categories.map((category) => html`<span class="${categoryClass(category)}">${category}</span>`)}</p>` : ''}
    ${view.folder === 'inbox' ? html`<p class="weqs-did">${replies.length > 0 ? html`Replied: ${replies.map((reply) => html`<q>${reply.subject}</q> `)}` : 'No reply'}</p>` : ''}
  </header>
  <details class="body"><summary>Body</summary>
    ${view.text !== undefined ? html`<h5>Plain text</h5><pre class="text-body">${view.text}</pre>` : ''}
    ${view.html !== undefined ? html`<h5>HTML</h5><iframe class="html-body" title="HTML body of ${view.subject}" sandbox="" referrerpolicy="no-referrer" loading="lazy" src="${bodyUrl}"></iframe>` : ''}
  </details>
  <details class="headers"><summary>Headers (${view.headers.length})</summary>
    <table><tbody>${view.headers.map((header) => html`<tr><th scope="row">${header.name}</th><td>${header.value}</td></tr>`)}</tbody></table>
  </details>
</article>`;
}

function outlook(view: TenantView): SafeHtml {
  return html`<section id="outlook" class="pane" aria-labelledby="outlook-title">
  <h2 id="outlook-title">Outlook</h2>
  <form id="send-form" class="send-form" autocomplete="off">
    <h3>Deliver a test email</h3>
    <label>From address <input name="from" type="email" required value="jo.bloggs@northshire.nhs.example"></label>
    <label>From name <input name="name" value="Jo Bloggs"></label>
    <label>To <input name="to" type="email" value="${view.inbox}"></label>
    <label>Subject <input name="subject" required value="Work Experience Quality Standard – Northshire Hospitals NHS Foundation Trust"></label>
    <label>Body <textarea name="body" rows="2">Please send us an application form.</textarea></label>
    <label class="inline"><input name="spoofed" type="checkbox"> Spoofed (failing SPF, DKIM and DMARC)</label>
    <button type="submit">Send</button>
    <p id="send-result" role="status" aria-live="polite"></p>
  </form>
  ${view.mailboxes
    .filter((mailbox) => mailbox.inbox.length > 0 || mailbox.sent.length > 0 || mailbox.address === view.inbox)
    .map((mailbox) => {
      const repliesTo = (conversationId: string): MessageView[] => mailbox.sent.filter((sent) => sent.conversationId === conversationId);
      return html`<div class="mailbox" data-address="${mailbox.address}">
    <h3>${mailbox.displayName} <small>${mailbox.address}</small></h3>
    <h4 class="folder-title">Inbox (${mailbox.inbox.length})</h4>
    <div class="folder" data-folder="inbox">${mailbox.inbox.map((item) => message(item, mailbox.address, repliesTo(item.conversationId)))}</div>
    <h4 class="folder-title">Sent Items (${mailbox.sent.length})</h4>
    <div class="folder" data-folder="sentitems">${mailbox.sent.map((item) => message(item, mailbox.address, []))}</div>
  </div>`;
    })}
</section>`;
}

function access(entry: Access): SafeHtml {
  switch (entry.kind) {
    case 'inherited':
      return html`<span class="access access-inherited">inherited from ${entry.from}</span>`;
    case 'group':
      return html`<span class="access access-group">${entry.who}: ${entry.role}</span>`;
    case 'user':
      return html`<span class="access access-user">${entry.who}: ${entry.role}</span>`;
    case 'pending':
      return html`<span class="access access-pending">${entry.who}: ${entry.role} (pending invitation)</span>`;
  }
}

function driveNode(node: DriveNodeView, depth: number): SafeHtml {
  if (!node.folder) {
    return html`<li class="file"><span class="name">${node.name}</span> <span class="dates">modified ${when(node.lastModifiedDateTime)}, created ${when(node.createdDateTime)}</span> <span class="size">${bytes(node.size)}</span></li>`;
  }
  return html`<li class="folder-node"><details ${depth < 2 ? html`open` : ''}><summary><span class="name">${node.name}</span> <span class="access-list">${node.access.map(access)}</span></summary>
  ${node.children.length > 0 ? html`<ul>${node.children.map((child) => driveNode(child, depth + 1))}</ul>` : html`<p class="empty">Empty</p>`}
</details></li>`;
}

function cell(value: unknown, column: ListView['columns'][number]): SafeHtml | string {
  if (value === undefined || value === null || value === '') return '';
  if (column.type === 'boolean') return value === true ? 'Yes' : 'No';
  if (column.type === 'dateTime' && typeof value === 'string') {
    // A date-only column shows just the date, as SharePoint does.
    const date = new Date(value);
    if (column.dateOnly && !Number.isNaN(date.getTime())) return dateOnly.format(date);
    return when(value);
  }
  if (typeof value === 'string' && /^https:\/\//.test(value)) return html`<a href="${value}" rel="noreferrer noopener" target="_blank">${value}</a>`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
}

function list(view: ListView): SafeHtml {
  return html`<div class="list" data-list="${view.displayName}">
  <h3>${view.displayName} <small>(${view.items.length} items)</small></h3>
  <div class="table-wrap"><table>
    <thead><tr>${view.columns.map((column) => html`<th scope="col">${column.displayName}</th>`)}</tr></thead>
    <tbody>${view.items.map((item) => html`<tr>${view.columns.map((column) => html`<td>${cell(item[column.name], column)}</td>`)}</tr>`)}</tbody>
  </table></div>
</div>`;
}

function sharePoint(view: TenantView): SafeHtml {
  return html`<section id="sharepoint" class="pane" aria-labelledby="sharepoint-title">
  <h2 id="sharepoint-title">SharePoint</h2>
  ${view.libraries.map((library) => html`<div class="library" data-library="${library.name}">
    <h3>${library.site}: ${library.name}</h3>
    <ul class="tree">${driveNode(library.root, 0)}</ul>
  </div>`)}
</section>`;
}

function card(view: CardView, index: number): SafeHtml {
  return html`<article class="teams-card" data-index="${index}" data-run-status="${view.runStatus}">
  <p class="meta"><span class="webhook">${view.webhook}</span> · <time datetime="${view.receivedAt}">${when(view.receivedAt)}</time> · run <span class="run-status run-${view.runStatus.toLowerCase()}">${view.runStatus}</span>${view.runError ? html` <span class="run-error">${view.runError}</span>` : ''}</p>
  <div class="card-host"></div>
  <p class="render-problems" hidden></p>
  <script type="application/json" class="card-json">${jsonForScript(view.card)}</script>
  <details class="card-source"><summary>Card JSON</summary><pre>${JSON.stringify(view.card, null, 2)}</pre></details>
</article>`;
}

function teams(view: TenantView): SafeHtml {
  return html`<section id="teams" class="pane" aria-labelledby="teams-title">
  <h2 id="teams-title">Teams <small>staff channel (${view.cards.length} posts)</small></h2>
  ${view.cards.length === 0 ? html`<p class="empty">No cards yet.</p>` : view.cards.map(card)}
</section>`;
}

function emulatorPane(view: TenantView): SafeHtml {
  return html`<section id="emulator" aria-labelledby="emulator-title">
  <h2 id="emulator-title">Clock and faults</h2>
  <p>Virtual clock: <time id="clock" datetime="${view.now}">${when(view.now)}</time> (${view.now})</p>
  ${view.faults.length === 0
    ? html`<p id="faults" class="empty">No fault rules are active.</p>`
    : html`<table id="faults"><thead><tr><th>Method</th><th>Path</th><th>Effect</th><th>Remaining</th><th>Hits</th></tr></thead>
    <tbody>${view.faults.map((fault) => html`<tr><td>${fault.method}</td><td><code>${fault.path}</code></td><td>${fault.effect}</td><td>${fault.remaining}</td><td>${fault.hits}</td></tr>`)}</tbody></table>`}
</section>`;
}

export function consolePage(view: TenantView, fingerprint: string): string {
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="weqs-fingerprint" content="${fingerprint}">
<meta name="weqs-sharepoint-host" content="${view.sharePointHost}">
<meta name="weqs-inbox" content="${view.inbox}">
<title>weqs tenant console: ${view.tenantName}</title>
<link rel="stylesheet" href="/_console/assets/adaptivecards.css">
<link rel="stylesheet" href="/_console/assets/console.css">
<script src="/_console/assets/markdown-it.min.js" defer></script>
<script src="/_console/assets/adaptivecards.min.js" defer></script>
<script src="/_console/assets/console.js" defer></script>
</head>
<body>
<header class="top">
  <h1>weqs tenant console <small>${view.tenantName}</small></h1>
  <p>What staff see in Outlook, SharePoint and Teams. Read-only except the test email form. <a href="/_emulator/state">Raw state (JSON)</a></p>
  <p id="changed" hidden>The tenant has changed. <a href="/">Refresh</a></p>
</header>
<main>
<div class="panes">
${outlook(view)}
${sharePoint(view)}
${teams(view)}
</div>
<section id="lists" aria-labelledby="lists-title">
  <h2 id="lists-title">SharePoint lists</h2>
  ${view.lists.map(list)}
</section>
${emulatorPane(view)}
</main>
</body>
</html>
`.value;
}
