import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';
import { loadDevTenant } from './tenant.js';
import { ensureDevCertificates } from './tls.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '4000' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got '${values.port}'`);
  process.exit(2);
}

const certificates = await ensureDevCertificates();
const tenant = await loadDevTenant();
const emulator = await startEmulator({ tenant, certificates, port });
console.log(`Microsoft 365 emulator listening on ${emulator.url}`);
console.log(`  Console:      ${emulator.url}/`);
console.log(`  Graph:        ${emulator.url}/v1.0`);
console.log(`  Entra token:  ${emulator.url}/${tenant.tenantId}/oauth2/v2.0/token`);
console.log(`  Teams hook:   ${emulator.webhookUrl('staff-channel')}`);
console.log(`  Control API:  ${emulator.url}/_emulator/state`);
console.log(`  Trust its CA: NODE_EXTRA_CA_CERTS=${certificates.caCertPath}`);

const stop = async (): Promise<void> => {
  await emulator.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
