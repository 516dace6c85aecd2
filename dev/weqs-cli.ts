import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureDevCertificates, trustBundle } from '../emulator/tls.js';
import { projectRoot, readLocalSettings } from './local-settings.js';

/**
 * `npm run weqs -- ...`: the operations CLI with local.settings.json (or the example, for the
 * embedded tenant) as app settings, as `func` reads them; variables already set win. The emulator's
 * local CA is trusted when it exists (NODE_EXTRA_CA_CERTS is read when a process starts, so the CLI
 * runs as a child).
 */
const settings = await readLocalSettings();
// A command line speaks to people: warnings only, unless asked for more.
const env: Record<string, string | undefined> = { ...settings, WEQS_LOG_LEVEL: 'warn', ...process.env };
// Only when the settings point at the local emulator: a real tenant needs no extra trust.
if (/^https:\/\/(127\.0\.0\.1|localhost)[:/]/.test(env.WEQS_GRAPH_BASE_URL ?? '')) env.NODE_EXTRA_CA_CERTS = await trustBundle(await ensureDevCertificates());
const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli', 'weqs.ts'), ...process.argv.slice(2)], { stdio: 'inherit', env });
child.on('exit', (code) => process.exit(code ?? 1));
