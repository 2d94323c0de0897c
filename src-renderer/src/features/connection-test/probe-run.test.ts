import { describe, expect, it } from 'vitest';
import { portsToProbe } from './probe-run';

describe('the ports Probe ports tries', () => {
  it('takes the usual submission ports when none are typed, plus the form’s port', () => {
    expect(portsToProbe('587')).toEqual({ ok: true, ports: [25, 465, 587, 2525, 2465, 2587] });
    expect(portsToProbe('8025', '  ')).toEqual({ ok: true, ports: [25, 465, 587, 2525, 2465, 2587, 8025] });
  });

  it('takes only the typed ports (and the form’s), once each', () => {
    expect(portsToProbe('587', '40001, 40002 40001;40003')).toEqual({ ok: true, ports: [40001, 40002, 40003, 587] });
    expect(portsToProbe('', '40001')).toEqual({ ok: true, ports: [40001] });
  });

  it('refuses what is not a port before probing anything', () => {
    for (const typed of ['587, smtp', '0', '65536', '5.87']) {
      expect(portsToProbe('587', typed)).toEqual({ ok: false, error: 'Enter ports as numbers from 1 to 65535, separated by commas, such as 587, 2525.' });
    }
  });
});
