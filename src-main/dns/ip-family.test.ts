import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ipFamily } from './ip-family';

describe('ipFamily', () => {
  it('says what node:net isIP says, for addresses, near-addresses and names', () => {
    const samples = [
      '192.0.2.1', '0.0.0.0', '255.255.255.255', '256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4\n',
      '::', '::1', '2001:db8::1', '2001:DB8::1', '2001:db8:0:0:0:0:0:1', '2001:db8::1::2', '::ffff:192.0.2.1', '::ffff:192.0.2.256', 'fe80::1%eth0', 'fe80::1%',
      '[2001:db8::1]', '2001:db8::1:53', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', ':', ':::', 'g::1', '12345::1',
      '', 'example.com', 'localhost', 'mail.example.com.', 'xn--bcher-kva.example', '1e3', '0x7f.0.0.1', '١٢٣.١.١.١',
    ];
    for (const text of samples) expect(ipFamily(text), JSON.stringify(text)).toBe(isIP(text));
  });
});
