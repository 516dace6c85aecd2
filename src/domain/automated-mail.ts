/**
 * Mail written by machines (auto-replies, bounces, read receipts, our own sends) never triggers
 * anything, whatever its subject says: answering it could start a mail loop.
 * https://www.rfc-editor.org/rfc/rfc3834
 */
export function isAutomatedMail(email: { from: { address: string }; headers: readonly { name: string; value: string }[] }, inboxAddress: string): boolean {
  const header = (name: string): string | undefined => email.headers.find((candidate) => candidate.name.toLowerCase() === name)?.value.trim().toLowerCase();
  const from = email.from.address.toLowerCase();
  if (from === inboxAddress.toLowerCase()) return true;
  if (/^(mailer-daemon|postmaster|microsoftexchange[0-9a-f]+)@/.test(from)) return true;
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (header('x-ms-exchange-message-is-ndr') !== undefined) return true;
  if (['auto_reply', 'bulk', 'junk', 'list'].includes(header('precedence') ?? '')) return true;
  if (header('x-autoreply') === 'yes' || header('x-autorespond') !== undefined) return true;
  return (header('content-type') ?? '').startsWith('multipart/report');
}
