/**
 * The small document model every weqs email is written in, and its two renderings: accessible
 * HTML and wrapped plain text. An email is built once as blocks and rendered twice, so the two
 * parts can never say different things. Also the wording every email shares (greeting, sign-off,
 * the standard's name).
 *
 * Our own words are plain strings and are escaped like everything else; anything that arrived in
 * an email, a folder or a staff-edited list is wrapped with `value()`, which also isolates its
 * direction with `<bdi>`.
 */
import { escapeHtml, isAbsoluteHttpsUrl, singleLine, truncateText } from './text-escaping.js';
import { isPlausiblePersonName } from './untrusted-echo.js';

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}

export const STANDARD_NAME = 'Work Experience Quality Standard';
/** The subject people are asked to use; the en dash is what the published instructions show. */
export const REQUEST_SUBJECT_PREFIX = `${STANDARD_NAME} – `;
const SIGN_OFF = `The ${STANDARD_NAME} team`;

// Caps, in code points, for values from emails.
const CAP = {
  pausedMessage: 1000,
  greetingName: 60,
} as const;

// ---------------------------------------------------------------------------------------------
// Document model
// ---------------------------------------------------------------------------------------------

/** Our own words are plain strings; anything from an email is wrapped with `value()`. */
export type Inline = string | { kind: 'value'; text: string } | { kind: 'strong'; parts: Inline[] } | { kind: 'email'; address: string };

export interface ListItem {
  parts: Inline[];
  sublist?: List;
}

export interface List {
  kind: 'list';
  ordered: boolean;
  items: ListItem[];
}

export type Block =
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'paragraph'; parts: Inline[] }
  /** A link on its own line: descriptive text in HTML, "text:" then the full URL in plain text. */
  | { kind: 'link'; text: string; url: string }
  /** A line to copy exactly (an email subject), set apart and never wrapped. */
  | { kind: 'example'; parts: Inline[] }
  /** Lines kept as written (a staff note): each wraps on its own, none is joined to the next. */
  | { kind: 'lines'; lines: Inline[][] }
  | List;

export const value = (text: string): Inline => ({ kind: 'value', text });
export const strong = (...parts: Inline[]): Inline => ({ kind: 'strong', parts });
export const email = (address: string): Inline => ({ kind: 'email', address: singleLine(address) });
export const h1 = (text: string): Block => ({ kind: 'heading', level: 1, text });
export const h2 = (text: string): Block => ({ kind: 'heading', level: 2, text });
export const p = (...parts: Inline[]): Block => ({ kind: 'paragraph', parts });
export const example = (...parts: Inline[]): Block => ({ kind: 'example', parts });
export const item = (...parts: Inline[]): ListItem => ({ parts });
export const ol = (...items: ListItem[]): List => ({ kind: 'list', ordered: true, items });
export const ul = (...items: ListItem[]): List => ({ kind: 'list', ordered: false, items });

export function link(text: string, url: string): Block {
  // URLs come from our own SharePoint and settings; anything else is a bug to catch, not send.
  if (!isAbsoluteHttpsUrl(url)) throw new TypeError(`Email links must be absolute https URLs: ${JSON.stringify(truncateText(url, 80))}`);
  return { kind: 'link', text, url };
}

// ---------------------------------------------------------------------------------------------
// HTML rendering
// ---------------------------------------------------------------------------------------------

const BODY_STYLE = 'margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c;background-color:#ffffff;';
const EXAMPLE_STYLE = 'margin:16px 0;padding:8px 16px;border-left:4px solid #b1b4b6;';

function inlineHtml(parts: readonly Inline[]): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return escapeHtml(part);
      switch (part.kind) {
        // <bdi> keeps a right-to-left name (Arabic, Urdu) from pulling the punctuation around it
        // out of place.
        case 'value':
          return `<bdi>${escapeHtml(part.text)}</bdi>`;
        case 'strong':
          return `<strong>${inlineHtml(part.parts)}</strong>`;
        case 'email':
          return `<a href="${escapeHtml(`mailto:${part.address}`)}">${escapeHtml(part.address)}</a>`;
      }
    })
    .join('');
}

function listHtml(list: List): string {
  const tag = list.ordered ? 'ol' : 'ul';
  const items = list.items.map((entry) => `<li>${inlineHtml(entry.parts)}${entry.sublist ? `\n${listHtml(entry.sublist)}\n` : ''}</li>`);
  return `<${tag}>\n${items.join('\n')}\n</${tag}>`;
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
    case 'paragraph':
      return `<p>${inlineHtml(block.parts)}</p>`;
    case 'link':
      return `<p><a href="${escapeHtml(block.url)}">${escapeHtml(block.text)}</a></p>`;
    case 'example':
      return `<p style="${EXAMPLE_STYLE}">${inlineHtml(block.parts)}</p>`;
    case 'lines':
      return `<p>${block.lines.map(inlineHtml).join('<br>\n')}</p>`;
    case 'list':
      return listHtml(block);
  }
}

function renderHtml(subject: string, blocks: readonly Block[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    `<body style="${BODY_STYLE}">`,
    // Screen readers in webmail announce this as an email rather than as part of the mail app.
    `<div role="article" aria-roledescription="email" aria-label="${escapeHtml(subject)}" lang="en-GB">`,
    ...blocks.map(blockHtml),
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Plain-text rendering
// ---------------------------------------------------------------------------------------------

const TEXT_WIDTH = 72;

function inlineText(parts: readonly Inline[]): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      switch (part.kind) {
        case 'value':
          return part.text;
        case 'strong':
          return inlineText(part.parts);
        case 'email':
          return part.address;
      }
    })
    .join('');
}

/** Length as people count characters (code points), not UTF-16 units. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _char of text) count += 1;
  return count;
}

/** Word-wrapped lines; a word longer than the width (a long name, a URL) gets a line of its own. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((part) => part !== '')) {
    if (line === '') line = word;
    else if (codePointLength(line) + 1 + codePointLength(word) <= width) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Wrapped text with a marker ("1. ", "- ") on the first line and a hanging indent after it. */
function hanging(marker: string, text: string, indent: string): string[] {
  const pad = ' '.repeat(codePointLength(marker));
  return wrap(text, TEXT_WIDTH - codePointLength(indent) - codePointLength(marker)).map((line, index) => `${indent}${index === 0 ? marker : pad}${line}`);
}

function listText(list: List, indent: string): string[] {
  return list.items.flatMap((entry, index) => {
    const marker = list.ordered ? `${index + 1}. ` : '- ';
    const lines = hanging(marker, inlineText(entry.parts), indent);
    return entry.sublist ? [...lines, ...listText(entry.sublist, `${indent}${' '.repeat(codePointLength(marker))}`)] : lines;
  });
}

/**
 * A URL as it stands alone in a plain-text email. Mail clients find links in plain text by
 * pattern, and most end a link before a closing parenthesis, so a folder named "Trust (RZZ)"
 * would lose its ")". Parentheses are percent-encoded (RFC 3986 treats both forms alike).
 */
export function plainTextUrl(url: string): string {
  return url.replace(/[()]/g, (char) => (char === '(' ? '%28' : '%29'));
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'heading': {
      const underline = (block.level === 1 ? '=' : '-').repeat(Math.min(codePointLength(block.text), TEXT_WIDTH));
      return `${block.text}\n${underline}`;
    }
    case 'paragraph':
      return wrap(inlineText(block.parts), TEXT_WIDTH).join('\n');
    case 'link':
      return `${block.text}:\n${plainTextUrl(block.url)}`;
    case 'example':
      return `    ${inlineText(block.parts)}`;
    case 'lines':
      return block.lines.flatMap((line) => wrap(inlineText(line), TEXT_WIDTH)).join('\n');
    case 'list':
      return listText(block, '').join('\n');
  }
}

function renderText(blocks: readonly Block[]): string {
  return `${blocks.map(blockText).join('\n\n')}\n`;
}

export function render(subject: string, blocks: readonly Block[]): EmailContent {
  return { subject, html: renderHtml(subject, blocks), text: renderText(blocks) };
}

// ---------------------------------------------------------------------------------------------
// Shared wording
// ---------------------------------------------------------------------------------------------

/**
 * The name to greet someone by, or undefined to say just "Hello". NHSmail shows people as
 * "SMITH, Jane (NORTHSHIRE HOSPITALS NHS FOUNDATION TRUST)", which becomes "Jane SMITH"; names
 * that are really addresses, or too long to be a person's name, are not used.
 */
export function greetingName(requesterName: string | undefined): string | undefined {
  if (requesterName === undefined) return undefined;
  let name = singleLine(requesterName).replace(/^["'“‘]+|["'”’]+$/gu, '').trim();
  name = name.replace(/\s*\([^()]*\)$/u, '').trim();
  const surnameFirst = /^([^,]+),\s*([^,]+)$/u.exec(name);
  if (surnameFirst?.[1] !== undefined && surnameFirst[2] !== undefined) name = `${surnameFirst[2].trim()} ${surnameFirst[1].trim()}`;
  if (name === '' || name.includes('@') || !/\p{L}/u.test(name) || codePointLength(name) > CAP.greetingName) return undefined;
  // A display name is the sender's own text: greet by it only when it reads like a name.
  if (!isPlausiblePersonName(name)) return undefined;
  return name;
}

export function greeting(requesterName: string | undefined): Block {
  const name = greetingName(requesterName);
  return name === undefined ? p('Hello,') : p('Hello ', value(name), ',');
}

export function signOff(): Block[] {
  return [p('Thank you,'), p(SIGN_OFF)];
}

/** A staff-written message that may have several paragraphs separated by blank lines. */
export function paragraphsOf(message: string): Block[] {
  return truncateText(message.trim(), CAP.pausedMessage)
    .split(/\r?\n\s*\r?\n/u)
    .map((paragraph) => singleLine(paragraph))
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => p(paragraph));
}

/**
 * A note staff typed (what evidence they need, feedback on a decision), kept as written: blank
 * lines separate paragraphs and single line breaks are kept too, because staff use them for
 * lists. Every line is a value, so nothing in it can become markup or reorder the text around it.
 */
export function staffNote(message: string, maxLength: number): Block[] {
  return truncateText(message.trim(), maxLength)
    .split(/(?:\r\n|\r|\n|\u2028|\u2029)\s*(?:\r\n|\r|\n|\u2028|\u2029)/u)
    .map((paragraph) =>
      paragraph
        .split(/\r\n|\r|\n|\u2028|\u2029/u)
        .map((line) => singleLine(line))
        .filter((line) => line !== ''),
    )
    .filter((paragraphLines) => paragraphLines.length > 0)
    .map((paragraphLines): Block => ({ kind: 'lines', lines: paragraphLines.map((line) => [value(line)]) }));
}
