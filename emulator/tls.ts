import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'selfsigned';

/**
 * Certificates for the local tenant. Graph is HTTPS-only (the Graph SDK attaches tokens to and
 * follows links on https:// URLs only), so the emulator serves TLS with a certificate issued by a
 * local CA that our processes trust explicitly through NODE_EXTRA_CA_CERTS. Nothing switches TLS
 * verification off.
 */
export interface DevCertificates {
  /** PEM of the local CA: what NODE_EXTRA_CA_CERTS points at. */
  caCertPath: string;
  caCert: string;
  /** Server certificate for 127.0.0.1, ::1 and localhost, issued by the local CA. */
  serverCert: string;
  serverKey: string;
  /** The app registration's client certificate (private key + certificate in one PEM), as @azure/identity expects. */
  appCredentialPath: string;
  appCertificate: string;
}

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export function devDirectory(): string {
  return process.env.WEQS_DEV_DIR ?? join(projectRoot, '.weqs');
}

/** Creates the certificates once per checkout and reuses them afterwards. */
export async function ensureDevCertificates(directory = join(devDirectory(), 'tls')): Promise<DevCertificates> {
  const paths = {
    caCert: join(directory, 'ca.pem'),
    caKey: join(directory, 'ca-key.pem'),
    serverCert: join(directory, 'server.pem'),
    serverKey: join(directory, 'server-key.pem'),
    appCredential: join(directory, 'app-credential.pem'),
  };
  if (!Object.values(paths).every((path) => existsSync(path))) {
    await mkdir(directory, { recursive: true });
    const notAfterDate = new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000);
    const ca = await generate([{ name: 'commonName', value: 'weqs local Microsoft 365 emulator CA' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    const server = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate,
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    const app = await generate([{ name: 'commonName', value: 'weqs local app credential' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate,
    });
    // Written under temporary names and renamed, so concurrent readers never see half a file.
    const files: [string, string][] = [
      [paths.caKey, ca.private],
      [paths.serverCert, server.cert],
      [paths.serverKey, server.private],
      [paths.appCredential, `${app.private.trim()}\n${app.cert.trim()}\n`],
      [paths.caCert, ca.cert],
    ];
    for (const [path, content] of files) {
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, content, { mode: 0o600 });
      await rename(temporary, path);
    }
  }
  const [caCert, serverCert, serverKey, appCertificate] = await Promise.all([
    readFile(paths.caCert, 'utf8'),
    readFile(paths.serverCert, 'utf8'),
    readFile(paths.serverKey, 'utf8'),
    readFile(paths.appCredential, 'utf8'),
  ]);
  return {
    caCertPath: paths.caCert,
    caCert,
    serverCert,
    serverKey,
    appCredentialPath: paths.appCredential,
    appCertificate,
  };
}

/**
 * The file for NODE_EXTRA_CA_CERTS (Node reads one file, once, at start): the local CA plus any
 * certificates the environment already adds that way, so trusting the emulator never drops them.
 */
export async function trustBundle(certificates: DevCertificates, inherited = process.env.NODE_EXTRA_CA_CERTS): Promise<string> {
  if (!inherited || inherited === certificates.caCertPath || !existsSync(inherited)) return certificates.caCertPath;
  const path = join(dirname(certificates.caCertPath), 'trust-bundle.pem');
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${(await readFile(inherited, 'utf8')).trim()}\n${certificates.caCert.trim()}\n`);
  await rename(temporary, path);
  return path;
}
