import { describe, expect, it } from 'vitest';
import { parseCapabilities } from './ehlo-capabilities';
import { buildReply } from './smtp-reply';

describe('EHLO capabilities', () => {
  it('reads every extension a connector test needs', () => {
    const reply = buildReply(250, ['smtp.example.com Hello', 'SIZE 35882577', '8BITMIME', 'AUTH LOGIN PLAIN XOAUTH2', 'STARTTLS', 'ENHANCEDSTATUSCODES', 'PIPELINING', 'SMTPUTF8']);
    expect(parseCapabilities('relay.example.com', reply)).toMatchObject({
      ehloName: 'relay.example.com',
      serverName: 'smtp.example.com',
      starttls: true,
      auth: ['LOGIN', 'PLAIN', 'XOAUTH2'],
      size: 35882577,
      eightBitMime: true,
      pipelining: true,
      smtpUtf8: true,
      enhancedStatusCodes: true,
    });
  });

  it('understands the old AUTH= form and a SIZE without a limit', () => {
    const caps = parseCapabilities('x.example', buildReply(250, ['mx.example', 'AUTH=LOGIN', 'AUTH PLAIN', 'SIZE']));
    expect(caps.auth).toEqual(['LOGIN', 'PLAIN']);
    expect(caps.size).toBe(0);
    expect(caps.starttls).toBe(false);
  });
});
