/**
 * Whether an inbox email is a non-delivery report (a bounce) for mail weqs sent. Exchange Online
 * marks its own NDRs with X-MS-Exchange-Message-Is-Ndr and sends them from the tenant's
 * MicrosoftExchange… system address; other servers send a multipart/report of type
 * delivery-status (RFC 3464) from postmaster or mailer-daemon.
 */
export function isNonDeliveryReport(email: { from: { address: string }; subject: string; headers: readonly { name: string; value: string }[] }): boolean {
  const header = (name: string): string | undefined => email.headers.find((candidate) => candidate.name.trim().toLowerCase() === name)?.value.trim().toLowerCase();
  if (header('x-ms-exchange-message-is-ndr') !== undefined) return true;
  const contentType = header('content-type') ?? '';
  if (contentType.startsWith('multipart/report') && /report-type\s*=\s*"?delivery-status/.test(contentType)) return true;
  const systemSender = /^(mailer-daemon|postmaster|microsoftexchange[0-9a-f]+)@/i.test(email.from.address);
  return systemSender && /^\s*(undeliverable|undelivered|delivery status notification|mail delivery failed|returned mail)\b/i.test(email.subject);
}
