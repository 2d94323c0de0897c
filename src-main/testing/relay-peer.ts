/**
 * A signing relay on 127.0.0.1 — the company's outbound mail server in the verification
 * tests: STARTTLS and AUTH (what the SMTP engine speaks), then per message it adds its
 * Received field, strips configured header fields, DKIM-signs with keys the test zone
 * publishes, optionally changes the message after signing, and delivers it over LMTP to
 * the real mailbox server (Dovecot) from a chosen loopback source address — so the
 * receiving side records a real connecting IP that SPF judges. The message is delivered
 * before the relay answers 250, so a test knows it has arrived (or why not).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { crlf, receivedField, signMessage, stripHeaderFields } from './relay-mutations';
import type { KeyPair } from './tls-certs';
import type { DkimKey } from './verification-zone';

export interface RelayBehaviour {
  /** Keys to sign with, in order. None = the relay does not sign. */
  readonly signers?: readonly DkimKey[];
  /** Header fields the relay removes before signing (an over-eager "strip X-headers" rule). */
  readonly stripHeaders?: readonly string[];
  /** A change after signing (a footer, a Subject tag) — breaks the signature. */
  readonly afterSigning?: (message: string) => string;
  /** Envelope sender towards the mailbox (a provider's bounce domain); default the client's MAIL FROM. */
  readonly mailFrom?: string;
  /** Loopback source address of the delivery (SPF judges it). */
  readonly localAddress?: string;
  /** LHLO name. */
  readonly heloName?: string;
  /** Accept with 250 and never deliver (a message lost on the way). */
  readonly drop?: boolean;
  /**
   * Forwarding rules of the recipients' mailboxes: recipient → where it forwards, followed
   * rule by rule (a → b → c is two hops). Each forward adds a Received field `for <next>`
   * and an X-Forwarded-To field (as Gmail does) after signing, and the message is
   * delivered to the last recipient of the chain.
   */
  readonly forward?: Readonly<Record<string, string>>;
}

export interface RelayPeerOptions {
  readonly certificate: KeyPair;
  readonly account: { readonly username: string; readonly secret: string };
  /** LMTP listener of the mailbox server. */
  readonly deliverTo: { readonly host: string; readonly port: number };
  readonly behaviour?: RelayBehaviour;
  readonly name?: string;
}

export interface RelayDelivery {
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  /** The message as handed to the mailbox server (null when dropped). */
  readonly delivered: string | null;
  readonly response: string | null;
  readonly error: string | null;
}

export interface RelayPeer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly deliveries: readonly RelayDelivery[];
  setBehaviour(behaviour: RelayBehaviour): void;
  close(): Promise<void>;
}

const MAX_MESSAGE = 5 * 1024 * 1024;

export async function startRelayPeer(options: RelayPeerOptions): Promise<RelayPeer> {
  let behaviour: RelayBehaviour = options.behaviour ?? {};
  const deliveries: RelayDelivery[] = [];
  const name = options.name ?? 'relay.acme.test';

  async function relay(data: string, mailFrom: string, rcptTo: readonly string[], client: { helo: string; ip: string }): Promise<string> {
    const b = behaviour;
    const id = randomBytes(6).toString('hex').toUpperCase();
    let message = receivedField({ helo: client.helo, ip: client.ip, by: name, protocol: 'ESMTPSA', id, at: new Date() }) + crlf(data);
    if (b.stripHeaders !== undefined) message = stripHeaderFields(message, b.stripHeaders);
    if (b.signers !== undefined && b.signers.length > 0) message = await signMessage(message, b.signers);
    if (b.afterSigning !== undefined) message = b.afterSigning(message);
    const envelopeFrom = b.mailFrom ?? mailFrom;
    if (b.drop === true) {
      deliveries.push({ mailFrom: envelopeFrom, rcptTo, delivered: null, response: null, error: null });
      return `Ok: queued as ${id}`;
    }
    const transport = createTransport({
      host: options.deliverTo.host,
      port: options.deliverTo.port,
      lmtp: true,
      name: b.heloName ?? name,
      localAddress: b.localAddress ?? '127.0.0.2',
      ignoreTLS: true,
      connectionTimeout: 5_000,
      socketTimeout: 10_000,
    });
    try {
      const forward = b.forward ?? {};
      if (rcptTo.some((r) => forward[r.toLowerCase()] !== undefined)) {
        for (const original of rcptTo) {
          let to = original.toLowerCase();
          let forwarded = message;
          for (let hop = 0; forward[to] !== undefined && hop < 10; hop += 1) {
            const next = forward[to] as string;
            const at = new Date().toUTCString().replace('GMT', '+0000');
            forwarded = `X-Forwarded-To: ${next}\r\nReceived: from ${name} (${name} [127.0.0.1])\r\n\tby forwarder${hop + 1}.acme.test with ESMTP id ${id}F${hop + 1}\r\n\tfor <${next}>; ${at}\r\n${forwarded}`;
            to = next;
          }
          const info = await transport.sendMail({ envelope: { from: envelopeFrom, to: [to] }, raw: forwarded });
          deliveries.push({ mailFrom: envelopeFrom, rcptTo: [to], delivered: forwarded, response: info.response, error: null });
        }
        return `Ok: queued as ${id}`;
      }
      const info = await transport.sendMail({ envelope: { from: envelopeFrom, to: [...rcptTo] }, raw: message });
      deliveries.push({ mailFrom: envelopeFrom, rcptTo, delivered: message, response: info.response, error: null });
      return `Ok: queued as ${id}`;
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      deliveries.push({ mailFrom: envelopeFrom, rcptTo, delivered: null, response: null, error: text });
      throw Object.assign(new Error(`4.4.0 Delivery to the mailbox failed: ${text}`), { responseCode: 451 });
    } finally {
      transport.close();
    }
  }

  const server = new SMTPServer({
    key: options.certificate.key,
    cert: options.certificate.cert,
    name,
    banner: 'Relayproof test relay',
    authMethods: ['PLAIN', 'LOGIN'],
    disableReverseLookup: true,
    size: MAX_MESSAGE,
    socketTimeout: 15_000,
    closeTimeout: 1_000,
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.account.username && auth.password === options.account.secret;
      callback(ok ? null : Object.assign(new Error('5.7.8 Error: authentication failed'), { responseCode: 535 }), ok ? { user: auth.username } : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_MESSAGE) chunks.push(chunk);
      });
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        const rcptTo = session.envelope.rcptTo.map((r) => r.address);
        relay(Buffer.concat(chunks).toString('utf8'), mailFrom, rcptTo, { helo: session.hostNameAppearsAs, ip: session.remoteAddress }).then(
          (text) => callback(null, text),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    deliveries,
    setBehaviour(next) {
      behaviour = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
