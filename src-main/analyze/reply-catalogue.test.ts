import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { failureCodes } from '../../src-preload/contract/smtp-failure-codes';
import { diagnoseFailure } from './diagnose-failure';
import { explain } from './explain';
import { loadReplyCatalogue, repositoryResourcesDir, type ReplyCatalogue } from './reply-catalogue';

let catalogue: ReplyCatalogue;
beforeAll(async () => {
  const loaded = await loadReplyCatalogue(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  catalogue = loaded.catalogue;
});

const codesFor = (text: string) => explain(text, catalogue).diagnoses.map((d) => d.code);

describe('the catalogue data', () => {
  it('loads, validates and has a source and checked date on every entry', () => {
    expect(catalogue.entries.length).toBeGreaterThanOrEqual(60);
    for (const { entry } of catalogue.entries) {
      expect(entry.source).not.toBe('');
      expect(entry.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
    }
  });

  it('refuses a file with an invalid entry, naming the file and field', async () => {
    const files: Record<string, string> = {
      'rfc3463.json': readFileSync(join(repositoryResourcesDir(), 'replies', 'rfc3463.json'), 'utf8'),
      'bad.json': JSON.stringify({ entries: [{ code: 'Bad Code', title: 'x' }] }),
    };
    const loaded = await loadReplyCatalogue('/virtual', {
      listFiles: () => Promise.resolve(Object.keys(files)),
      readFile: (path) => Promise.resolve(files[path.split('/').at(-1) ?? ''] ?? ''),
    });
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? '' : loaded.problems.join('\n')).toMatch(/bad\.json: entries\.0\.code/u);
  });

  it('explains every example of every entry back to that entry', () => {
    let checked = 0;
    for (const { entry } of catalogue.entries) {
      for (const example of entry.examples) {
        expect(codesFor(example), `${entry.code}: ${example}`).toContain(entry.code);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(catalogue.entries.length);
  });

  it('maps every engine failure code to a diagnosis entry', () => {
    const mapped = new Set(catalogue.entries.flatMap((e) => e.entry.match.engineCodes));
    expect(failureCodes.filter((code) => !mapped.has(code))).toEqual([]);
    for (const code of failureCodes) {
      const diagnosis = diagnoseFailure({ code, phase: 'tcp', message: 'x', reply: null, errorCode: null }, catalogue);
      expect(diagnosis.kind, code).toBe('catalogue');
    }
  });
});

describe('what an admin pastes', () => {
  // The error table of Zuora's "Configure an SMTP Server for Email Notifications" (seed).
  const zuora = [
    'Unknown SMTP host',
    'Could not connect to SMTP host',
    'Connect timed out',
    'Authentication failed: Bad username / password',
    'Authentication failed',
    'Authentication required',
    'Read timed out',
    'Could not convert socket to TLS',
  ];

  it.each(zuora)('Zuora’s "%s" is explained, with Zuora’s wording shown', (text) => {
    const [best] = explain(text, catalogue).diagnoses;
    expect(best?.kind).toBe('catalogue');
    expect(best?.saasShows).toContainEqual({ platform: 'zuora', text });
  });

  it('covers the phrases in the Zuora platform data too', () => {
    const platform = JSON.parse(readFileSync(join(repositoryResourcesDir(), 'platforms', 'zuora.json'), 'utf8')) as { errorPhrases: { phrase: string }[] };
    for (const { phrase } of platform.errorPhrases) {
      expect(explain(phrase, catalogue).diagnoses.some((d) => d.saasShows.some((s) => s.platform === 'zuora' && s.text === phrase)), phrase).toBe(true);
    }
  });

  const firstFor: [string, string, string | null][] = [
    ['535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.', 'm365-smtp-auth-disabled-tenant', 'tenant-smtp-auth'],
    ['535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox.', 'm365-smtp-auth-disabled-mailbox', 'mailbox-smtp-auth'],
    ['535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.', 'm365-credentials-incorrect', 'credentials'],
    ["535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy.", 'm365-security-defaults', 'security-defaults'],
    ['535 5.7.139 Authentication unsuccessful, basic authentication is disabled.', 'm365-basic-auth-disabled', 'basic-auth-retirement'],
    ["535 5.7.139 Authentication unsuccessful, user is locked by user's smart lockout", 'm365-smart-lockout', 'account-lockout'],
    ['535 5.7.3 Authentication unsuccessful', 'm365-auth-unsuccessful', 'credentials'],
    ['530 5.7.57 Client not authenticated to send mail', 'm365-client-not-authenticated', 'authenticated-submission'],
    ['550 5.7.60 SMTP; Client does not have permissions to send as this sender', 'm365-send-as-denied-5-7-60', 'send-as-rights'],
    ['554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied', 'm365-send-as-denied', 'send-as-rights'],
    ['432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded', 'm365-sender-thread-limit', 'concurrency'],
    ['451 4.7.500 Access denied, please try again later', 'm365-access-denied-4-7-500', 'tenant-standing'],
    ['550 5.7.64 TenantAttribution; Relay Access Denied', 'm365-tenant-attribution-relay-denied', 'authenticated-submission'],
    ['421 4.7.66 TLS version not supported', 'm365-tls-version-not-supported', 'tls-1-2'],
    ['550 5.7.30 Basic authentication is not supported for Client Submission', 'm365-basic-auth-not-supported', 'basic-auth-retirement'],
    ['535-5.7.8 Username and Password not accepted', 'gmail-app-password-needed', null],
    ['534-5.7.9 Application-specific password required', 'gmail-app-specific-password-required', null],
    ['534-5.7.14 Please log in via your web browser', 'gmail-web-login-required', null],
    ['530 5.7.0 Must issue a STARTTLS command first', 'must-starttls-first', null],
    ['550-5.7.1 Invalid credentials for relay [203.0.113.5]', 'gmail-relay-invalid-credentials', null],
    ['421 4.7.0 Try again later, closing connection', 'gmail-try-again-later', null],
    ['454 4.7.0 Too many login attempts, please try again later', 'gmail-too-many-login-attempts', null],
    ['553 5.7.1 <support@example.com>: Sender address rejected: not owned by user app@example.com', 'postfix-sender-not-owned', null],
    ['554 5.7.1 <x@other.example>: Relay access denied', 'relay-denied', null],
    ['Error: getaddrinfo ENOTFOUND smtp.example.invalid', 'host-not-found', null],
    ['connect ECONNREFUSED 203.0.113.5:587', 'connection-refused', null],
    ['connect ETIMEDOUT 203.0.113.5:25', 'connect-timeout', null],
    ['Greeting never received', 'greeting-timeout', null],
    ['ESOCKET 40E8:error:0A00010B:SSL routines:ssl3_get_record:wrong version number', 'port-expects-starttls', null],
    ['Error: self-signed certificate; code DEPTH_ZERO_SELF_SIGNED_CERT', 'cert-self-signed', null],
    ['Error: certificate has expired; code CERT_HAS_EXPIRED', 'cert-expired', null],
    ["Hostname/IP does not match certificate's altnames: Host: smtp.example.com. is not in the cert's altnames", 'cert-hostname-mismatch', null],
    ['Error: unable to verify the first certificate; code UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'cert-untrusted', null],
  ];

  it.each(firstFor)('"%s" → %s first', (text, code, item) => {
    const [best] = explain(text, catalogue).diagnoses;
    expect(best?.code).toBe(code);
    expect(best?.m365Item).toBe(item);
  });

  it('a nodemailer error string carries its reply code and enhanced code', () => {
    const result = explain('Invalid login: 535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8 https://support.google.com/mail/?p=BadCredentials', catalogue);
    expect(result).toMatchObject({ replyCode: 535, enhanced: '5.7.8' });
    expect(result.diagnoses[0]?.code).toBe('gmail-app-password-needed');
    expect(result.reading?.detail?.title).toBe('Authentication credentials invalid');
  });

  it('ports, IP addresses and versions are not read as codes', () => {
    expect(explain('could not reach 10.5.1.1 on port 587 with TLSv1.2', catalogue)).toMatchObject({ replyCode: null, enhanced: null });
  });

  it('unknown text with codes gets the RFC 3463 reading', () => {
    const result = explain('550 5.7.1 Message refused by the Frobnicator policy engine', catalogue);
    expect(result.diagnoses).toHaveLength(1);
    expect(result.diagnoses[0]).toMatchObject({ kind: 'rfc3463', code: 'rfc3463-5.7.1' });
    expect(result.diagnoses[0]?.title).toBe('Permanent failure — security or policy status (delivery not authorized, message refused)');
  });

  it('a bare reply code still gets its class', () => {
    const result = explain('452 frobnicated', catalogue);
    expect(result.diagnoses[0]).toMatchObject({ kind: 'rfc3463', code: 'rfc3463-4' });
  });

  it.each(['2', '4', '5'])('every subject of class %s reads from RFC 3463', (klass) => {
    for (let subject = 0; subject <= 7; subject += 1) {
      const result = explain(`${klass}.${subject}.999 something nobody has written before`, catalogue);
      expect(result.reading).toMatchObject({ class: { class: klass }, subject: { subject } });
      expect(result.diagnoses[0]?.kind).toBe('rfc3463');
    }
  });

  it('text with nothing to go on says so and what to paste instead', () => {
    const result = explain('it just does not work', catalogue);
    expect(result.diagnoses).toEqual([expect.objectContaining({ kind: 'unrecognised', code: 'unrecognised' })]);
  });

  it('a Gmail password reply after a refused OAuth token is not read as "app password needed"', () => {
    const reply = { code: 535, enhanced: '5.7.8', lines: ['535 5.7.8 Username and Password not accepted'], text: '535 5.7.8 Username and Password not accepted' };
    expect(diagnoseFailure({ code: 'oauth-rejected', phase: 'auth', message: 'x', reply, errorCode: null }, catalogue).code).toBe('oauth-token-rejected');
    expect(diagnoseFailure({ code: 'auth-rejected', phase: 'auth', message: 'x', reply, errorCode: null }, catalogue).code).toBe('gmail-app-password-needed');
  });
});
