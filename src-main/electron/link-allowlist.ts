/**
 * Documentation hosts the app may send the admin to (opened in the OS browser, never
 * inside the app window). Pure, so it is testable without Electron.
 */
export const ALLOWED_HOSTS = new Set([
  'support.zendesk.com',
  // Zendesk's status page and its API reference (the disconnect helper).
  'status.zendesk.com',
  'developer.zendesk.com',
  'knowledgecenter.zuora.com',
  'docs.zuora.com',
  'learn.microsoft.com',
  'support.google.com',
  'support.apple.com',
  'docs.aws.amazon.com',
  'www.rfc-editor.org',
  'datatracker.ietf.org',
  // Blocklists' lookup and removal pages (resources/blocklists.json `delist`).
  'check.spamhaus.org',
  'www.spamcop.net',
  'www.barracudacentral.org',
  'mailspike.io',
  'psbl.org',
  'www.uceprotect.net',
  'admin.uribl.com',
]);

export function isAllowedExternalUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' && url.username === '' && url.password === '' && ALLOWED_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

