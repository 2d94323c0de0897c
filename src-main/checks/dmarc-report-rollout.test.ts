import { describe, expect, it } from 'vitest';
import { reportRollout } from './dmarc';

describe('the DMARC rollout judged from aggregate reports', () => {
  it('98 % of 1,240 messages aligned in 14 days under p=none: ready for quarantine', () => {
    expect(reportRollout({ messages: 1240, dmarcPass: 1216, days: 14 }, 'none')).toEqual({ ready: true, message: '98 % of 1,240 reported messages aligned in 14 days: ready for quarantine.' });
  });

  it('under quarantine the next stage is reject; under reject there is none', () => {
    expect(reportRollout({ messages: 500, dmarcPass: 500, days: 30 }, 'quarantine')?.message).toBe('100 % of 500 reported messages aligned in 30 days: ready for reject.');
    expect(reportRollout({ messages: 500, dmarcPass: 500, days: 30 }, 'reject')).toBeNull();
  });

  it('too few passing, or too few days, is not ready, with what to do', () => {
    expect(reportRollout({ messages: 1000, dmarcPass: 970, days: 20 }, 'none')).toMatchObject({ ready: false, message: expect.stringContaining('30 failed DMARC') as unknown });
    expect(reportRollout({ messages: 1000, dmarcPass: 1000, days: 3 }, 'none')).toMatchObject({ ready: false, message: expect.stringContaining('Read 14 days of reports first') as unknown });
  });

  it('99.6 % is not rounded up to 100 %', () => {
    expect(reportRollout({ messages: 1000, dmarcPass: 996, days: 14 }, 'none')?.message).toMatch(/^99\.6 % of 1,000/u);
  });
});
