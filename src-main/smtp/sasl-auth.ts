/**
 * AUTH phase (RFC 4954) with the SASL mechanisms SaaS connectors use: PLAIN (RFC 4616),
 * LOGIN, and XOAUTH2 (Google / Microsoft OAuth 2.0 bearer tokens). The caller has
 * already made sure the session is TLS-protected; this module only speaks the exchange.
 * Every client line that carries credentials is written to the transcript as a marker.
 */
import { EngineFailure } from './engine-failure';
import type { AuthResult, Capabilities, SaslMechanism, SmtpCredentials, SmtpReply } from '../../src-preload/contract/smtp-schemas';
import type { Redact } from './secret-redactor';
import { printable } from './smtp-reply';
import type { SmtpWire } from './smtp-wire';

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function chooseMechanism(credentials: SmtpCredentials, offered: readonly string[]): SaslMechanism | EngineFailure {
  if (offered.length === 0) {
    return new EngineFailure(
      'auth-not-offered',
      'The server does not offer AUTH on this connection, so these credentials cannot be used here (it may only relay for allowed IP addresses).',
      { sessionUsable: true },
    );
  }
  const wanted: SaslMechanism[] =
    credentials.mechanism !== 'auto' ? [credentials.mechanism] : credentials.kind === 'oauth2' ? ['XOAUTH2'] : ['PLAIN', 'LOGIN'];
  const chosen = wanted.find((m) => offered.includes(m));
  if (chosen !== undefined) return chosen;
  const hint =
    credentials.kind === 'oauth2'
      ? 'An OAuth 2.0 token needs XOAUTH2.'
      : offered.includes('XOAUTH2')
        ? 'The server offers only token sign-in: use an OAuth 2.0 access token.'
        : 'Relayproof speaks PLAIN, LOGIN and XOAUTH2.';
  return new EngineFailure('auth-mechanism-unavailable', `The server offers AUTH ${offered.join(' ')}, not ${wanted.join(' or ')}. ${hint}`, {
    sessionUsable: true,
  });
}

export interface AuthenticateOptions {
  readonly wire: SmtpWire;
  readonly credentials: SmtpCredentials;
  readonly capabilities: Capabilities;
  readonly timeoutMs: number;
  readonly redact: Redact;
}

/** Runs the exchange; `accepted` is true only on 235. Throws when the dialogue itself breaks. */
export async function authenticate(options: AuthenticateOptions): Promise<AuthResult> {
  const { wire, credentials, capabilities, timeoutMs } = options;
  const mechanism = chooseMechanism(credentials, capabilities.auth);
  if (mechanism instanceof EngineFailure) throw mechanism;
  const { username, secret } = credentials;
  // 334 = continue (RFC 4954 §4), 235 = authenticated (§6).
  const step = (line: string, what: string, secretMode: 'payload' | 'after-mechanism' | 'none') =>
    wire.command(line, { timeoutMs, expect: [235, 334], what, secret: secretMode });

  let reply: SmtpReply;
  let oauthError: string | null = null;
  switch (mechanism) {
    case 'PLAIN': {
      const response = b64(`\u0000${username}\u0000${secret}`);
      reply = await step(`AUTH PLAIN ${response}`, 'AUTH PLAIN', 'after-mechanism');
      // A server that does not take an initial response asks with an empty 334.
      if (reply.code === 334) reply = await step(response, 'the AUTH PLAIN response', 'payload');
      break;
    }
    case 'LOGIN': {
      reply = await step('AUTH LOGIN', 'AUTH LOGIN', 'none');
      if (reply.code === 334) reply = await step(b64(username), 'the AUTH LOGIN username', 'payload');
      if (reply.code === 334) reply = await step(b64(secret), 'the AUTH LOGIN password', 'payload');
      break;
    }
    case 'XOAUTH2': {
      reply = await step(`AUTH XOAUTH2 ${b64(`user=${username}\u0001auth=Bearer ${secret}\u0001\u0001`)}`, 'AUTH XOAUTH2', 'after-mechanism');
      if (reply.code === 334) {
        // The server explains the failure in a base64 JSON challenge; the client
        // answers with an empty line and gets the final error.
        oauthError = options.redact(printable(Buffer.from(reply.text.slice(4).trim(), 'base64').toString('utf8'))).slice(0, 500);
        reply = await step('', 'the end of the XOAUTH2 exchange', 'none');
      }
      break;
    }
  }
  if (reply.code === 334) {
    throw new EngineFailure('unexpected-reply', `The server kept asking for more AUTH ${mechanism} data (334) after the last step.`, { reply });
  }
  return { mechanism, offered: capabilities.auth, accepted: reply.code === 235, reply, oauthError };
}

/** Why a finished exchange did not authenticate (the server's 4xx/5xx reply). */
export function authFailure(result: AuthResult): EngineFailure {
  const mechanism = result.mechanism ?? 'AUTH';
  const code = mechanism === 'XOAUTH2' ? 'oauth-rejected' : 'auth-rejected';
  const who = mechanism === 'XOAUTH2' ? 'the OAuth 2.0 token' : 'the username and secret';
  const why = result.oauthError !== null ? ` (${result.oauthError})` : '';
  return new EngineFailure(code, `The server refused ${who} with AUTH ${mechanism}: ${result.reply?.text ?? 'no reply'}${why}`, {
    reply: result.reply,
    sessionUsable: true,
  });
}
