import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

const localSettingsSchema = z.object({ IsEncrypted: z.literal(false), Values: z.record(z.string(), z.string()) });

/**
 * The app settings for a local run: local.settings.json when a developer has one (it is never
 * committed), otherwise the committed example, which targets the embedded tenant.
 */
export async function readLocalSettings(): Promise<Record<string, string>> {
  const own = join(projectRoot, 'local.settings.json');
  const path = existsSync(own) ? own : join(projectRoot, 'local.settings.example.json');
  const parsed = localSettingsSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is not a valid local.settings file: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const values = { ...parsed.data.Values };
  const certificate = values.WEQS_CLIENT_CERTIFICATE_PATH;
  if (certificate && !isAbsolute(certificate)) values.WEQS_CLIENT_CERTIFICATE_PATH = join(projectRoot, certificate);
  return values;
}

/** Points the settings of the embedded tenant at an emulator, Azurite and host on the given addresses. */
export function embeddedTenantSettings(base: Record<string, string>, addresses: { emulatorUrl: string; webhookUrl: string; storage: string; hostUrl: string }): Record<string, string> {
  return {
    ...base,
    AzureWebJobsStorage: addresses.storage,
    WEQS_AUTHORITY_HOST: addresses.emulatorUrl,
    WEQS_GRAPH_BASE_URL: addresses.emulatorUrl,
    WEQS_TEAMS_WEBHOOK_URL: addresses.webhookUrl,
    WEQS_NOTIFICATION_URL: `${addresses.hostUrl}/api/notifications`,
    WEQS_LIFECYCLE_NOTIFICATION_URL: `${addresses.hostUrl}/api/lifecycle`,
  };
}
