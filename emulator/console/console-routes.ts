import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { EmulatorContext } from '../context.js';
import type { ControlState } from '../control.js';
import { GraphFault, route } from '../http.js';
import type { EmulatorResponse, Route } from '../http.js';
import { consolePage } from './console-page.js';
import { tenantFingerprint, tenantView } from './tenant-view.js';

const require = createRequire(import.meta.url);

/**
 * The console page allows only its own scripts and styles: nothing a subject or a file name
 * could smuggle into the page can run, even if escaping were ever missed.
 */
const pagePolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * An email's HTML body is shown in a sandboxed iframe from this policy: no script, no requests
 * (remote images are not fetched, as Outlook blocks them by default), inline styles allowed.
 */
const emailBodyPolicy = ["default-src 'none'", "style-src 'unsafe-inline'", 'img-src data:', "frame-ancestors 'self'", "form-action 'none'", 'sandbox'].join('; ');

const commonHeaders = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };

interface Asset {
  file: string;
  contentType: string;
}

const assets: Readonly<Record<string, Asset>> = {
  'console.js': { file: fileURLToPath(new URL('./assets/console.js', import.meta.url)), contentType: 'text/javascript; charset=utf-8' },
  'console.css': { file: fileURLToPath(new URL('./assets/console.css', import.meta.url)), contentType: 'text/css; charset=utf-8' },
  'teams-host-config.json': { file: fileURLToPath(new URL('./assets/teams-host-config.json', import.meta.url)), contentType: 'application/json; charset=utf-8' },
  // The official renderer and the markdown parser Teams-like hosts plug into it, as published.
  'adaptivecards.min.js': { file: require.resolve('adaptivecards/dist/adaptivecards.min.js'), contentType: 'text/javascript; charset=utf-8' },
  'adaptivecards.css': { file: require.resolve('adaptivecards/dist/adaptivecards.css'), contentType: 'text/css; charset=utf-8' },
  'markdown-it.min.js': { file: require.resolve('markdown-it/dist/markdown-it.min.js'), contentType: 'text/javascript; charset=utf-8' },
};

function asset(name: string): EmulatorResponse {
  const found = assets[name];
  if (!found) throw new GraphFault(404, 'itemNotFound', 'No such console asset.');
  return { status: 200, headers: { ...commonHeaders, 'content-type': found.contentType }, body: readFileSync(found.file) };
}

/** `/` and `/_console/*`: the tenant console, read-only views of the emulator's models. */
export function consoleRoutes(context: EmulatorContext, control: ControlState): Route[] {
  return [
    route('GET', '/', () => ({
      status: 200,
      headers: { ...commonHeaders, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': pagePolicy },
      body: consolePage(tenantView(context, control), tenantFingerprint(context, control)),
    })),
    // Browsers ask for it; the console has none.
    route('GET', '/favicon.ico', () => ({ status: 204, headers: commonHeaders })),
    route('GET', '/_console/fingerprint', () => ({ status: 200, headers: { ...commonHeaders, 'content-type': 'text/plain; charset=utf-8' }, body: tenantFingerprint(context, control) })),
    route('GET', '/_console/assets/([a-z.-]+)', (_request, [name = '']) => asset(name)),
    route('GET', '/_console/mail/([^/]+)/([^/]+)/body', (_request, [address = '', id = '']) => {
      const message = context.mail.resolve(address).message(id);
      if (message.body.contentType !== 'html') throw new GraphFault(404, 'itemNotFound', 'The message has no HTML body.');
      return {
        status: 200,
        headers: { ...commonHeaders, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': emailBodyPolicy },
        body: message.body.content,
      };
    }),
  ];
}
