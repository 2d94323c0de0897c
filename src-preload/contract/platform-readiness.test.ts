import { describe, expect, it } from 'vitest';
import { lastTestSchema } from './addresses-schemas';

describe('the last test kept on an address', () => {
  it('loads from a settings file written before platform readiness was recorded: readiness unknown, no blockers', () => {
    const old = lastTestSchema.parse({ at: '2026-01-04T00:00:00.000Z', ok: true, summary: 'Signed in' });
    expect(old).toEqual({ at: '2026-01-04T00:00:00.000Z', ok: true, summary: 'Signed in', platformReady: null, blockers: [] });
  });

  it('keeps the blockers and refuses an unknown blocker code', () => {
    const blocker = { code: 'certificate-not-public', message: 'Zendesk will refuse the certificate.', fix: 'Install a publicly trusted certificate.' };
    expect(lastTestSchema.parse({ at: '2026-01-04T00:00:00.000Z', ok: true, summary: 'Signed in', platformReady: false, blockers: [blocker] }).blockers).toEqual([blocker]);
    expect(lastTestSchema.safeParse({ at: '2026-01-04T00:00:00.000Z', ok: true, summary: 'Signed in', platformReady: false, blockers: [{ ...blocker, code: 'other' }] }).success).toBe(false);
  });
});
