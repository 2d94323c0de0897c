import { it, expect } from 'vitest';
import { startDovecot } from '../testing/dovecot-server';
import { startRelayPeer } from '../testing/relay-peer';
import { createTestPki } from '../testing/tls-certs';
import { createVerificationKeys, verificationZones } from '../testing/verification-zone';
import { startTestDnsServer } from '../testing/dns-test-server';
import { createResolver } from '../dns/resolver';
import { serverAddress } from '../dns/servers';
import { toMailauthResolver } from '../dns/mailauth-resolver';
import { sendTestMessage } from '../smtp/connection-test';
import { receiveByImap } from './imap-receipt';
import { verifyMessage } from './message-proof';

it('smoke', async () => {
  const t0 = Date.now();
  const pki = createTestPki();
  const keys = createVerificationKeys();
  const dns = await startTestDnsServer({ zones: verificationZones(keys) });
  const dovecot = await startDovecot({ certificate: pki.leaf, users: [{ username: 'inbox@acme.test', password: 'pw' }] });
  console.log('dovecot up', Date.now() - t0);
  const relay = await startRelayPeer({ certificate: pki.leaf, account: { username: 'support@acme.test', secret: 'sekret' }, deliverTo: { host: '127.0.0.1', port: dovecot.lmtpPort }, behaviour: { signers: [keys.acmeRelay] } });
  const r = await sendTestMessage({ host: '127.0.0.1', port: relay.port, security: 'starttls', from: 'support@acme.test', to: 'inbox@acme.test', credentials: { kind: 'password', username: 'support@acme.test', secret: 'sekret' } }, { ca: [pki.ca], token: () => 'tok-smoke-1' });
  console.log(JSON.stringify(r.ok && r.value.testSend), r.ok && r.value.failure, relay.deliveries);
  const got = await receiveByImap({ mailbox: { host: '127.0.0.1', port: dovecot.imapsPort, security: 'tls', username: 'inbox@acme.test' }, password: 'pw', token: 'tok-smoke-1', deadlineAt: new Date(Date.now() + 3000), ca: [pki.ca], backoffMs: [100] });
  console.log(got.ok ? got.raw.toString() : got.failure);
  if (got.ok) {
    const resolver = createResolver({ servers: [serverAddress('127.0.0.1', dns.port)], kind: 'explicit', timeoutMs: 500, retries: 0 });
    const proof = await verifyMessage(got.raw, { resolver: toMailauthResolver(resolver), expectedToken: 'tok-smoke-1', domain: 'acme.test', expectedHeaders: ['Auto-Submitted: auto-generated', 'X-Auto-Response-Suppress: All'] });
    console.log(JSON.stringify(proof, null, 1));
  }
  const bad = await receiveByImap({ mailbox: { host: '127.0.0.1', port: dovecot.imapPort, security: 'starttls', username: 'inbox@acme.test' }, password: 'nope', token: 'x', deadlineAt: new Date(Date.now() + 3000), ca: [pki.ca] });
  console.log(bad);
  await relay.close(); await dovecot.close(); await dns.close(); pki.cleanup();
  console.log('total', Date.now() - t0);
  expect(got.ok).toBe(true);
});
