import { describe, expect, it } from 'vitest';
import { settingsDraftOf, settingsErrorsOf, settingsPatchOf } from './settings-draft';

describe('settings form draft', () => {
  it('turns one DNS server per line into a list and empty fields into null', () => {
    const draft = {
      ...settingsDraftOf({ theme: 'system', dnsServers: [], ehloName: null, smtpTimeoutSeconds: 30, pinnedCertificates: [], rotationReminderDays: 90 }),
      dnsServers: '192.0.2.53\n\n  198.51.100.7:5353 \n',
      rotationReminderDays: '',
    };
    expect(settingsPatchOf(draft)).toEqual({
      ok: true,
      patch: { theme: 'system', dnsServers: ['192.0.2.53', '198.51.100.7:5353'], ehloName: null, smtpTimeoutSeconds: 30, rotationReminderDays: null },
    });
  });

  it('names the line of a DNS server the main process refused', () => {
    const errors = settingsErrorsOf({
      code: 'invalid-input',
      message: 'patch.dnsServers.1: A DNS server is an IP address.',
      details: { issues: [{ path: 'patch.dnsServers.1', message: 'A DNS server is an IP address.' }] },
    });
    expect(errors).toEqual({ dnsServers: 'Line 2: A DNS server is an IP address.' });
  });
});
