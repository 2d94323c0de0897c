/**
 * Vitest fixture for the whole verification loop on 127.0.0.1, one per test file:
 * the test PKI, the test DNS server with acme.test's SPF/DKIM/DMARC, a real Dovecot
 * mailbox (IMAPS, IMAP+STARTTLS, LMTP) and the signing relay in front of it.
 *
 * When Dovecot is not installed, the reason is printed once and every test that needs the
 * mailbox skips with it (`loop(ctx)`). When it is installed but will not start, that is a
 * failure of the test run (beforeAll throws), never a silent skip.
 */
import { afterAll, beforeAll } from 'vitest';
import { useTestDns, type TestDns } from './dns-fixture';
import { dovecotUnavailable, startDovecot, type DovecotServer } from './dovecot-server';
import { startRelayPeer, type RelayPeer } from './relay-peer';
import { createTestPki, type TestPki } from './tls-certs';
import { ACME, createVerificationKeys, verificationZones, type VerificationKeys } from './verification-zone';

export const SUPPORT = `support@${ACME}`;
export const SUBMIT_SECRET = 'relay-submission-secret-41';
export const INBOX = `inbox@${ACME}`;
export const INBOX_PASSWORD = 'mailbox-password-7f3a';
/** A second mailbox: the forwarding target (the platform's support address) in the forwarding checks. */
export const DESK = 'desk@desk.acme.test';
export const DESK_PASSWORD = 'desk-password-93c1';

export interface MailLoop {
  readonly pki: TestPki;
  readonly keys: VerificationKeys;
  readonly dovecot: DovecotServer;
  readonly relay: RelayPeer;
}

interface SkipContext {
  readonly skip: (note?: string) => never;
}

export interface MailLoopFixture {
  readonly dns: TestDns;
  readonly keys: VerificationKeys;
  /** The running loop, or skip the calling test with the reason it is not available. */
  loop(ctx: SkipContext): MailLoop;
}

export function useMailLoop(): MailLoopFixture {
  const keys = createVerificationKeys();
  const dns = useTestDns(verificationZones(keys));
  let running: MailLoop | null = null;
  let reason: string | null = dovecotUnavailable();
  let pki: TestPki | null = null;
  let dovecot: DovecotServer | null = null;
  let relay: RelayPeer | null = null;

  beforeAll(async () => {
    if (reason !== null) {
      console.warn(`Verification loop tests skipped: ${reason}`);
      return;
    }
    pki = createTestPki();
    try {
      dovecot = await startDovecot({ certificate: pki.leaf, users: [{ username: INBOX, password: INBOX_PASSWORD }, { username: DESK, password: DESK_PASSWORD }] });
    } catch (error) {
      // Installed but broken: fail loudly — a skip here would hide a real regression.
      reason = `Dovecot is installed but did not start: ${error instanceof Error ? error.message.split('\n').slice(0, 6).join(' | ') : String(error)}`;
      throw new Error(reason, { cause: error });
    }
    relay = await startRelayPeer({ certificate: pki.leaf, account: { username: SUPPORT, secret: SUBMIT_SECRET }, deliverTo: { host: dovecot.host, port: dovecot.lmtpPort } });
    running = { pki, keys, dovecot, relay };
  }, 60_000);

  afterAll(async () => {
    await relay?.close();
    await dovecot?.close();
    pki?.cleanup();
  });

  return {
    dns,
    keys,
    loop(ctx) {
      if (running === null) return ctx.skip(reason ?? 'the verification loop is not running');
      return running;
    },
  };
}
