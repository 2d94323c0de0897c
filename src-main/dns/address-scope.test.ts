import { describe, expect, it } from 'vitest';
import { ipScope, isPrivateIp, privateNameReason } from './address-scope';

describe('IP address scope', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.45.3.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.254', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.254', 'shared'],
    ['169.254.10.20', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fd00::1', 'unique-local'],
    ['fc12:3456::9', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:7f00:1', 'loopback'],
    // The edges of each range are public.
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.1', 'public'],
    ['192.169.0.1', 'public'],
    ['169.253.1.1', 'public'],
    ['11.0.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['fec0::1', 'public'],
    ['fb00::1', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['::ffff:8.8.8.8', 'public'],
  ])('%s is %s', (ip, scope) => {
    expect(ipScope(ip)).toBe(scope);
    expect(isPrivateIp(ip)).toBe(scope !== 'public');
  });

  it('a host name is not an IP address', () => {
    expect(ipScope('smtp.example.com')).toBeNull();
    expect(isPrivateIp('smtp.example.com')).toBe(false);
  });
});

describe('host names that never resolve on the internet', () => {
  it.each([
    ['example.internal', 'a .internal name'],
    ['mail.corp.local', 'a .local name'],
    ['relay.example.test', 'a .test name'],
    ['localhost', 'a single-label name'],
    ['app.localhost', 'a .localhost name'],
    ['mx.lan', 'a .lan name'],
    ['smtp.home.arpa', 'a .home.arpa name'],
    ['smtp.example', 'a .example name'],
    ['nothing.invalid', 'a .invalid name'],
    ['mailserver', 'a single-label name'],
    ['MAIL.Example.Internal.', 'a .internal name'],
  ])('%s is %s', (host, reason) => {
    expect(privateNameReason(host)).toBe(reason);
  });

  it.each(['smtp.office365.com', 'smtp.gmail.com', 'internal.example.com', 'local.example.org', 'smtp.test.example.com', '127.0.0.1', '::1'])(
    '%s is not judged by its name',
    (host) => {
      expect(privateNameReason(host)).toBeNull();
    },
  );
});
