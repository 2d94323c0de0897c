/**
 * Reads the EHLO reply (RFC 5321 §4.1.1.1): the first line names the server, each
 * further line is an extension keyword with parameters.
 */
import type { Capabilities, SmtpReply } from '../../src-preload/contract/smtp-schemas';

export function parseCapabilities(ehloName: string, reply: SmtpReply): Capabilities {
  const texts = reply.lines.map((line) => line.slice(4).trim());
  const [first = '', ...rest] = texts;
  const keywords = new Map<string, string[]>();
  for (const line of rest) {
    // Old servers write `AUTH=LOGIN PLAIN` (pre-RFC 4954 syntax); treat it as AUTH.
    const [keyword = '', ...params] = line.replace(/^AUTH=/iu, 'AUTH ').split(/\s+/u);
    const key = keyword.toUpperCase();
    const known = keywords.get(key) ?? [];
    keywords.set(key, [...known, ...params]);
  }
  const sizeParam = keywords.get('SIZE')?.[0];
  const size = keywords.has('SIZE') ? (sizeParam !== undefined && /^\d+$/u.test(sizeParam) ? Number(sizeParam) : 0) : null;
  return {
    ehloName,
    serverName: first.split(/\s+/u)[0] || null,
    starttls: keywords.has('STARTTLS'),
    auth: [...new Set((keywords.get('AUTH') ?? []).map((m) => m.toUpperCase()))],
    size,
    eightBitMime: keywords.has('8BITMIME'),
    pipelining: keywords.has('PIPELINING'),
    smtpUtf8: keywords.has('SMTPUTF8'),
    enhancedStatusCodes: keywords.has('ENHANCEDSTATUSCODES'),
    raw: rest,
  };
}

export function describeCapabilities(c: Capabilities): string {
  const parts = [
    c.starttls ? 'STARTTLS' : null,
    c.auth.length > 0 ? `AUTH ${c.auth.join(' ')}` : 'no AUTH',
    c.size !== null ? `SIZE ${c.size}` : null,
    c.eightBitMime ? '8BITMIME' : null,
    c.pipelining ? 'PIPELINING' : null,
    c.smtpUtf8 ? 'SMTPUTF8' : null,
    c.enhancedStatusCodes ? 'ENHANCEDSTATUSCODES' : null,
  ];
  return parts.filter((p) => p !== null).join(', ');
}
