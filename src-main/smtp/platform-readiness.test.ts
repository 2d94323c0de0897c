import { describe, expect, it } from 'vitest';
import type { DnsResult, TlsResult } from '../../src-preload/contract/smtp-schemas';
import { assessPlatformReadiness, type ReadinessInput } from './platform-readiness';

const trusted: TlsResult = {
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  legacyVersion: false,
  certificate: null,
  chain: [],
  chainTrusted: true,
  hostnameMatch: true,
  verifyError: null,
  verdict: 'trusted',
};
const pinned: TlsResult = { ...trusted, chainTrusted: false, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', verdict: 'pinned' };

function resolved(a: string[], aaaa: string[] = [], source: DnsResult['source'] = 'resolver'): DnsResult {
  return { source, a, aaaa, used: a[0] ?? aaaa[0] ?? null, attempts: [] };
}

function report(over: { host?: string; security?: 'starttls' | 'tls' | 'none'; ok?: boolean; dns?: DnsResult | null; tls?: TlsResult | null; starttls?: boolean } = {}): ReadinessInput {
  const host = over.host ?? 'smtp.example.com';
  return {
    ok: over.ok ?? true,
    target: { host, port: 587, security: over.security ?? 'starttls', username: 'u', from: null, to: null },
    dns: over.dns === undefined ? resolved(['198.51.100.7']) : over.dns,
    tls: over.tls === undefined ? trusted : over.tls,
    capabilities:
      over.starttls === undefined
        ? null
        : { ehloName: 'x', serverName: null, starttls: over.starttls, auth: [], size: null, eightBitMime: false, pipelining: false, smtpUtf8: false, enhancedStatusCodes: false, raw: [] },
  };
}

describe('platform readiness rules', () => {
  it.each([
    ['a public host with a publicly trusted certificate', report(), []],
    ['a loopback literal', report({ host: '127.0.0.1', dns: resolved(['127.0.0.1'], [], 'literal') }), ['host-not-public']],
    ['a carrier-grade NAT literal', report({ host: '100.64.0.1', dns: resolved(['100.64.0.1'], [], 'literal') }), ['host-not-public']],
    ['an RFC 1918 10/8 literal', report({ host: '10.20.30.40', dns: null }), ['host-not-public']],
    ['an RFC 1918 172.16/12 literal', report({ host: '172.20.0.5', dns: null }), ['host-not-public']],
    ['an RFC 1918 192.168/16 literal', report({ host: '192.168.0.25', dns: null }), ['host-not-public']],
    ['a link-local literal', report({ host: '169.254.1.1', dns: null }), ['host-not-public']],
    ['an IPv6 ULA literal', report({ host: 'fd00::1', dns: null }), ['host-not-public']],
    ['an IPv6 loopback literal', report({ host: '::1', dns: null }), ['host-not-public']],
    ['an IPv6 link-local literal', report({ host: 'fe80::1', dns: null }), ['host-not-public']],
    ['a public literal', report({ host: '198.51.100.7', dns: null }), []],
    ['an .internal name', report({ host: 'example.internal' }), ['host-not-public']],
    ['a .local name that did not resolve', report({ host: 'mail.office.local', dns: null, tls: null }), ['host-not-public']],
    ['a single-label name', report({ host: 'mailhub', dns: resolved(['192.168.1.2'], [], 'system') }), ['host-not-public']],
    ['a name that resolves only to private addresses', report({ host: 'relay.acme.com', dns: resolved(['10.0.0.5', '172.16.3.4'], ['fd00::5']) }), ['host-not-public']],
    ['a name with one public address among private ones', report({ host: 'relay.acme.com', dns: resolved(['10.0.0.5', '203.0.113.9']) }), []],
    ['a name that did not resolve (nothing to judge)', report({ host: 'relay.acme.com', dns: null, tls: null, ok: false }), []],
    ['a pinned certificate', report({ tls: pinned }), ['certificate-not-public']],
    ['a chain that ends at a public root', report({ tls: { ...trusted, publicRoot: true } }), []],
    ['a chain trusted only through a CA added on this computer (NODE_EXTRA_CA_CERTS)', report({ tls: { ...trusted, publicRoot: false } }), ['certificate-not-public']],
    ['a pinned certificate on a loopback literal', report({ host: '127.0.0.1', dns: resolved(['127.0.0.1'], [], 'literal'), tls: pinned }), ['host-not-public', 'certificate-not-public']],
    ['TLS 1.0 named after a refused modern handshake', report({ ok: false, tls: { ...trusted, protocol: 'TLSv1', legacyVersion: true } }), ['tls-legacy']],
    ['TLS 1.1', report({ tls: { ...trusted, protocol: 'TLSv1.1' } }), ['tls-legacy']],
    ['TLS 1.2', report({ tls: { ...trusted, protocol: 'TLSv1.2' } }), []],
    ['no TLS at all (security none)', report({ security: 'none', tls: null }), ['tls-legacy']],
    ['STARTTLS not offered', report({ ok: false, tls: null, starttls: false }), ['tls-legacy']],
    ['STARTTLS offered, the test stopped before TLS', report({ ok: false, tls: null, starttls: true }), []],
  ])('%s', (_name, input, codes) => {
    const { platformReady, blockers } = assessPlatformReadiness(input);
    expect(blockers.map((b) => b.code)).toEqual(codes);
    expect(platformReady).toBe(input.ok && codes.length === 0);
    for (const b of blockers) {
      expect(b.message.length).toBeGreaterThan(20);
      expect(b.fix.length).toBeGreaterThan(20);
    }
  });

  it('a stored address that was continued past a failure is not ready, even when the test passes', () => {
    const { platformReady, blockers } = assessPlatformReadiness(report(), { platformName: 'Zendesk', proceedReason: 'Port 587 is blocked in the office' });
    expect(platformReady).toBe(false);
    expect(blockers.map((b) => b.code)).toEqual(['continued-anyway']);
    expect(blockers[0]?.message).toContain('Port 587 is blocked in the office');
  });

  it('a failed test is never ready, though nothing blocks the platform', () => {
    expect(assessPlatformReadiness(report({ ok: false }))).toEqual({ platformReady: false, blockers: [] });
  });

  it('names the platform when it is known, and says "the platform" otherwise', () => {
    const input = report({ host: '127.0.0.1', dns: resolved(['127.0.0.1'], [], 'literal'), tls: pinned });
    const named = assessPlatformReadiness(input, { platformName: 'Zendesk' }).blockers;
    expect(named[0]?.message).toMatch(/^Zendesk connects to the server from the internet, and 127\.0\.0\.1 is a loopback address/u);
    expect(named[1]?.message).toContain('Zendesk checks certificates against the public certificate authorities');
    expect(named[1]?.fix).toContain('remove the pin in Settings');
    const unnamed = assessPlatformReadiness(input).blockers;
    expect(unnamed[0]?.message).toMatch(/^The platform connects/u);
  });

  it('says where a private-only name was resolved', () => {
    const [system] = assessPlatformReadiness(report({ host: 'relay.acme.com', dns: resolved(['192.168.1.9'], [], 'system') })).blockers;
    expect(system?.message).toContain("through this computer's hosts file or local resolver only to 192.168.1.9 (a private network address under RFC 1918)");
  });
});
