/**
 * Handlers of the SMTP channels (src-preload/contract/smtp.ts): the connection test, the
 * test message and the port probe, with the admin's Settings (DNS servers, EHLO name)
 * wherever a call names none.
 */
import { pinFor } from '../../src-preload/contract/lending';
import { probeHost } from '../smtp/probe';
import type { Handlers } from './dispatch';
import { dnsServersOr } from './dns-servers';
import type { HandlerDeps } from './handlers';

type SmtpChannel = 'smtp:test-connection' | 'smtp:send-test-message' | 'smtp:probe';

export function smtpHandlers(deps: { readonly store: Pick<HandlerDeps['store'], 'settings'>; readonly smtp: HandlerDeps['smtp'] }): Pick<Handlers, SmtpChannel> {
  const { store, smtp } = deps;

  return {
    'smtp:test-connection': ({ operationId: _operationId, ...request }, ctx) => smtp.run({ ...request, send: false }, { signal: ctx.signal, onPhase: ctx.emit }),

    'smtp:send-test-message': ({ operationId: _operationId, ...request }, ctx) => smtp.run({ ...request, send: true }, { signal: ctx.signal, onPhase: ctx.emit }),

    async 'smtp:probe'({ operationId: _operationId, ...input }, ctx) {
      const ehloName = input.ehloName ?? store.settings().ehloName ?? undefined;
      // "Trust this certificate" holds for the probe as for the connection test: the same pin, the same host.
      const pinSha256 = input.pinSha256 ?? pinFor(store.settings(), input.host)?.sha256;
      return probeHost(
        { ...input, dnsServers: dnsServersOr(store, input.dnsServers), ...(ehloName !== undefined ? { ehloName } : {}), ...(pinSha256 !== undefined ? { pinSha256 } : {}) },
        { signal: ctx.signal, onResult: ctx.emit },
      );
    },
  };
}
