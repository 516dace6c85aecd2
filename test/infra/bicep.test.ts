import { execFile, execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from 'vitest';
import { projectRoot } from '../../dev/local-settings.js';
import { loadConfig, settingsSchema } from '../../src/config.js';
import { functionDefinitions } from '../../functions/definitions.js';

/**
 * The infrastructure checked by the real Bicep compiler: every file builds and lints clean, and the
 * compiled main.bicep sets exactly the settings src/config.ts reads and grants exactly the roles the
 * code uses. Without a Bicep CLI these tests are skipped with the reason; `.ci/run` installs the CLI
 * and sets WEQS_REQUIRE_BICEP=true, which turns a missing CLI into a failure.
 */
const run = promisify(execFile);
const infra = join(projectRoot, 'infra');
// CI (CI=true) must compile the templates: .ci/run installs the CLI first.
const bicepRequired = process.env.WEQS_REQUIRE_BICEP === 'true' || process.env.CI === 'true';

function findBicep(): string | undefined {
  try {
    return execFileSync(join(projectRoot, 'scripts', 'bicep.sh'), ['--find'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const bicep = findBicep();
const missingReason = 'no Bicep CLI found (run scripts/bicep.sh to restore it from NuGet, or set WEQS_BICEP)';
if (!bicep && !bicepRequired) console.warn(`test/infra/bicep.test.ts: skipped: ${missingReason}`);

function needBicep(context: TestContext): string {
  if (bicep) return bicep;
  if (bicepRequired) throw new Error(`WEQS_REQUIRE_BICEP=true but ${missingReason}`);
  context.skip(missingReason);
  throw new Error('unreachable');
}

/** Settings the schema reads that Azure deliberately leaves unset, and why (keep this list short). */
const notDeployed: Record<string, string> = {
  WEQS_CLIENT_ID: 'client-certificate credential only; Azure uses the managed identity',
  WEQS_CLIENT_CERTIFICATE_PATH: 'client-certificate credential only',
  WEQS_AUTHORITY_HOST: 'client-certificate credential only (the emulator locally)',
  WEQS_AUTHORITY_INSTANCE_DISCOVERY: 'client-certificate credential only (the emulator locally)',
  WEQS_GRAPH_BASE_URL: 'the default is Microsoft Graph',
  AzureWebJobsStorage: 'a connection string; Azure uses the identity-based AzureWebJobsStorage__* settings',
  AzureWebJobsStorage__queueServiceUri: 'AzureWebJobsStorage__accountName is set instead',
  AzureWebJobsStorage__tableServiceUri: 'AzureWebJobsStorage__accountName is set instead',
  AzureWebJobsStorage__blobServiceUri: 'AzureWebJobsStorage__accountName is set instead',
};

/** The Functions host's own settings that main.bicep may set although weqs does not read them. */
const hostSettings = new Set(['APPLICATIONINSIGHTS_CONNECTION_STRING', 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING']);

/**
 * App settings Flex Consumption deprecates or rejects (runtime, scale and deployment live in
 * functionAppConfig). https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations
 */
const flexDeprecated = [
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_WORKER_RUNTIME_VERSION',
  'FUNCTIONS_MAX_HTTP_CONCURRENCY',
  'FUNCTIONS_WORKER_PROCESS_COUNT',
  'FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'ENABLE_ORYX_BUILD',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTOVERVNET',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_DNS_SERVER',
  'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_SKIP_CONTENTSHARE_VALIDATION',
  'WEBSITE_VNET_ROUTE_ALL',
  'languageWorkers__node__arguments',
  // Not supported on Flex Consumption (the plan's "Considerations"):
  // https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations
  'WEBSITE_TIME_ZONE',
  'TZ',
  'WEBSITE_LOAD_CERTIFICATES',
];

/** Built-in role ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles */
const roles = {
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
} as const;
type RoleName = keyof typeof roles;

interface ArmTemplate {
  parameters?: Record<string, { defaultValue?: unknown }>;
  variables?: Record<string, unknown>;
  resources: ArmResource[] | Record<string, ArmResource>;
}
interface ArmResource {
  type: string;
  name: unknown;
  properties?: { template?: ArmTemplate; parameters?: Record<string, { value?: unknown }>; roleDefinitionId?: string; principalId?: string };
}

function resourcesOf(template: ArmTemplate): ArmResource[] {
  return Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
}

const guidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Role definition ids of every role assignment in the template and the modules nested in it (ids may sit in variables). */
function roleIdsAssigned(template: ArmTemplate): { ids: string[]; principals: unknown[] } {
  const ids: string[] = [];
  const principals: unknown[] = [];
  for (const resource of resourcesOf(template)) {
    if (resource.properties?.template) {
      const nested = roleIdsAssigned(resource.properties.template);
      ids.push(...nested.ids);
      principals.push(...nested.principals);
    }
    if (resource.type !== 'Microsoft.Authorization/roleAssignments') continue;
    principals.push(resource.properties?.principalId);
    const expression = resource.properties?.roleDefinitionId ?? '';
    const variable = /variables\('([^']+)'\)/.exec(expression)?.[1];
    const source = variable ? JSON.stringify(template.variables?.[variable] ?? '') : expression;
    ids.push(...(source.match(guidPattern) ?? []));
  }
  return { ids, principals };
}

function moduleNamed(template: ArmTemplate, name: string): ArmResource {
  const found = resourcesOf(template).find((resource) => resource.type === 'Microsoft.Resources/deployments' && resource.name === name);
  if (!found) throw new Error(`infra/main.bicep has no module deployment named '${name}'`);
  return found;
}

/** Which roles the code needs, read from what it imports and what the settings use. */
async function rolesTheCodeUses(settings: Record<string, string>): Promise<Map<RoleName, string>> {
  const sources: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.ts')) sources.push(await readFile(path, 'utf8'));
    }
  };
  await walk(join(projectRoot, 'src'));
  await walk(join(projectRoot, 'functions'));
  const code = sources.join('\n');
  const needed = new Map<RoleName, string>();
  // The Functions host itself needs blob ownership on AzureWebJobsStorage (leases, keys, the deployment package).
  needed.set('Storage Blob Data Owner', "the Functions host's AzureWebJobsStorage and weqs's directory blob (@azure/storage-blob)");
  if (code.includes("from '@azure/storage-queue'") || functionDefinitions.some((definition) => definition.trigger.type === 'queue')) needed.set('Storage Queue Data Contributor', 'queue triggers and @azure/storage-queue');
  if (code.includes("from '@azure/data-tables'")) needed.set('Storage Table Data Contributor', '@azure/data-tables');
  if (settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING?.includes('Authorization=AAD')) needed.set('Monitoring Metrics Publisher', 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING (Entra ID ingestion)');
  if (Object.values(settings).some((value) => value.includes('Reference.value') || value.includes('@Microsoft.KeyVault'))) needed.set('Key Vault Secrets User', 'Key Vault references in app settings');
  return needed;
}

/** Plausible values for settings main.bicep computes at deployment time, to run them through loadConfig. */
const identityClientId = '0b6c1f7e-2a4d-4c3b-9e8f-1a2b3c4d5e6f';
const deploymentSamples: Record<string, string> = {
  WEQS_TENANT_ID: '5c2e8a41-7d3b-4f6e-9a10-2b8c4d6e8f01',
  WEQS_MANAGED_IDENTITY_CLIENT_ID: identityClientId,
  AzureWebJobsStorage__clientId: identityClientId,
  AzureWebJobsStorage__accountName: 'stweqsexample',
  WEQS_INBOX_ADDRESS: 'workexperience@contoso.example',
  WEQS_SITE_HOSTNAME: 'contoso.sharepoint.com',
  WEQS_SITE_PATH: '/sites/WorkExperience',
  WEQS_TEAMS_WEBHOOK_URL: 'https://prod.example/workflows/1/triggers/manual/paths/invoke?sig=secret',
  WEQS_SUBSCRIPTION_CLIENT_STATE: 'a-random-secret-of-at-least-32-characters',
  WEQS_NOTIFICATION_URL: 'https://func-weqs-example.azurewebsites.net/api/notifications',
  WEQS_LIFECYCLE_NOTIFICATION_URL: 'https://func-weqs-example.azurewebsites.net/api/lifecycle',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
  WEQS_CREATE_GUESTS: 'false',
  WEQS_REQUIRE_EVIDENCE_IN_EVERY_SECTION: 'false',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${identityClientId};Authorization=AAD`,
};

function deployedValue(name: string, value: string, main: ArmTemplate): string {
  if (!value.startsWith('[')) return value;
  const parameter = /^\[parameters\('([^']+)'\)\]$/.exec(value)?.[1];
  const fallback = parameter ? main.parameters?.[parameter]?.defaultValue : undefined;
  if (typeof fallback === 'string') return fallback;
  const sample = deploymentSamples[name];
  if (sample === undefined) throw new Error(`test/infra/bicep.test.ts: add a sample value for ${name} to deploymentSamples (main.bicep computes it as ${value})`);
  return sample;
}

let workDir = '';
let main: ArmTemplate;
let appSettings: Record<string, string> = {};

describe('infrastructure (Bicep)', () => {
  beforeAll(async () => {
    if (!bicep) return;
    workDir = await mkdtemp(join(tmpdir(), 'weqs-bicep-'));
    await run(bicep, ['build', join(infra, 'main.bicep'), '--outfile', join(workDir, 'main.json')]);
    main = JSON.parse(await readFile(join(workDir, 'main.json'), 'utf8')) as ArmTemplate;
    const settings = moduleNamed(main, 'function-app').properties?.parameters?.appSettings?.value;
    appSettings = settings as Record<string, string>;
  }, 180_000);

  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('has a Bicep CLI where CI requires one', (context) => {
    expect(needBicep(context)).toMatch(/bicep$/);
  });

  it('builds every Bicep file with the real compiler', async (context) => {
    const cli = needBicep(context);
    const files = [join(infra, 'main.bicep'), ...(await readdir(join(infra, 'app'))).filter((name) => name.endsWith('.bicep')).map((name) => join(infra, 'app', name))];
    expect(files.length).toBeGreaterThan(5);
    const out = join(workDir, 'each');
    const { stderr } = await run(cli, ['build', '--pattern', `${relative(projectRoot, infra)}/**/*.bicep`, '--outdir', out], { cwd: projectRoot });
    expect(stderr.trim(), 'bicep build printed diagnostics').toBe('');
    const built = await readdir(out, { recursive: true });
    expect(built.filter((name) => String(name).endsWith('.json')).length).toBe(files.length);
  }, 180_000);

  it('lints every Bicep file clean with infra/bicepconfig.json (warnings are failures)', async (context) => {
    const cli = needBicep(context);
    const { stdout } = await run(cli, ['lint', '--pattern', `${relative(projectRoot, infra)}/**/*.bicep`, '--diagnostics-format', 'Sarif'], { cwd: projectRoot }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const results = stdout
      .split(/(?=\{\s*"\$schema")/)
      .filter((chunk) => chunk.trim().startsWith('{'))
      .flatMap((chunk) => (JSON.parse(chunk) as { runs: { results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }).runs.flatMap((sarifRun) => sarifRun.results));
    expect(results.map((result) => `${result.level} ${result.ruleId} in ${result.locations[0]?.physicalLocation.artifactLocation.uri ?? '?'}: ${result.message.text}`)).toEqual([]);
  }, 180_000);

  it('fails the lint on a warning, so the check above can fail', async (context) => {
    const cli = needBicep(context);
    const dir = await mkdtemp(join(tmpdir(), 'weqs-bicep-lint-'));
    try {
      await copyFile(join(infra, 'bicepconfig.json'), join(dir, 'bicepconfig.json'));
      await writeFile(join(dir, 'bad.bicep'), "param unused string\noutput fixed string = 'x'\n");
      const outcome = await run(cli, ['lint', join(dir, 'bad.bicep'), '--diagnostics-format', 'Sarif']).then(
        () => 'passed',
        (error: { stdout?: string }) => error.stdout ?? '',
      );
      expect(outcome).toContain('no-unused-params');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('sets every setting src/config.ts reads, and none it does not know', (context) => {
    needBicep(context);
    const schemaSettings = Object.keys(settingsSchema.shape);
    const missing = schemaSettings.filter((name) => !(name in appSettings) && !(name in notDeployed));
    const unknown = Object.keys(appSettings).filter((name) => !schemaSettings.includes(name) && !hostSettings.has(name));
    expect(
      missing.map((name) => `src/config.ts reads ${name} but infra/main.bicep does not set it: add \`${name}: <value>\` to \`var appSettings\` in infra/main.bicep (a \`param\` with the schema's default, listed in infra/main.parameters.json, if it varies per deployment), or, if Azure must leave it unset, add it with the reason to notDeployed in test/infra/bicep.test.ts`),
    ).toEqual([]);
    expect(
      unknown.map((name) => `infra/main.bicep sets ${name}, which src/config.ts does not read: add it to settingsSchema in src/config.ts, or remove it from \`var appSettings\` in infra/main.bicep (the Functions host's own settings go in hostSettings in test/infra/bicep.test.ts)`),
    ).toEqual([]);
    expect(Object.keys(appSettings).filter((name) => flexDeprecated.includes(name)).map((name) => `${name} is deprecated on Flex Consumption: remove it from infra/main.bicep`)).toEqual([]);
  });

  it('produces settings weqs accepts at start-up, with the secrets from Key Vault and Graph posting to the function routes', (context) => {
    needBicep(context);
    const deployed = Object.fromEntries(Object.entries(appSettings).map(([name, value]) => [name, deployedValue(name, value, main)]));
    const config = loadConfig(deployed);
    expect(config.credential).toEqual({ kind: 'managed-identity', clientId: identityClientId });
    expect(config.storage).toEqual({ serviceUris: { queue: 'https://stweqsexample.queue.core.windows.net', table: 'https://stweqsexample.table.core.windows.net', blob: 'https://stweqsexample.blob.core.windows.net' } });
    for (const secret of ['WEQS_SUBSCRIPTION_CLIENT_STATE', 'WEQS_TEAMS_WEBHOOK_URL']) expect(appSettings[secret], `${secret} must be a Key Vault reference`).toMatch(/'key-vault'.*Reference\.value/);
    const routes = functionDefinitions.flatMap((definition) => (definition.trigger.type === 'http' ? [definition.trigger.route] : []));
    expect(appSettings.WEQS_NOTIFICATION_URL).toContain(`'{0}/notifications'`);
    expect(appSettings.WEQS_LIFECYCLE_NOTIFICATION_URL).toContain(`'{0}/lifecycle'`);
    expect(routes).toEqual(expect.arrayContaining(['notifications', 'lifecycle']));
    expect(String(main.variables?.publicBaseUrl)).toMatch(/^\[format\('https:\/\/\{0\}\.azurewebsites\.net\/api'/);
  });

  it('grants the managed identity exactly the roles the code uses', async (context) => {
    needBicep(context);
    const assigned = roleIdsAssigned(main);
    const granted = new Set(assigned.ids);
    const needed = await rolesTheCodeUses(appSettings);
    const byId = new Map<string, RoleName>(Object.entries(roles).map(([name, id]) => [id, name as RoleName]));
    const missing = [...needed].filter(([name]) => !granted.has(roles[name])).map(([name, why]) => `${name} is needed for ${why} but no module in infra/ assigns it to the identity`);
    const extra = [...granted].filter((id) => !needed.has(byId.get(id) as RoleName)).map((id) => `infra/ assigns ${byId.get(id) ?? id}, which no code uses: remove it`);
    expect([...missing, ...extra]).toEqual([]);
    // Every assignment goes to the module's principalId parameter, which main.bicep fills with the identity.
    expect(assigned.principals.length).toBeGreaterThan(0);
    for (const principal of assigned.principals) expect(principal).toBe("[parameters('principalId')]");
    for (const name of ['storage', 'monitoring', 'key-vault']) expect(JSON.stringify(moduleNamed(main, name).properties?.parameters?.principalId)).toContain("'identity'");
  });
});
