import { describe, expect, it } from 'vitest';
import { detailBesideMilestones, detailSaysTitle } from './timeline-text';

const defaultOff = 'SMTP AUTH Basic authentication is disabled by default for existing tenants. Administrators can still enable it if needed.';
const removal = 'Microsoft announces the final removal date in the second half of 2027; after it, passwords stop working for SMTP AUTH in every tenant.';

describe('the retirement summary beside its milestones', () => {
  it('keeps only what the milestones do not already say', () => {
    expect(detailBesideMilestones(`${defaultOff} Then: ${removal} Move the connector to OAuth 2.0 before then.`, [defaultOff, removal])).toBe('Move the connector to OAuth 2.0 before then.');
  });

  it('keeps a summary that says something else in full', () => {
    const own = 'Passwords are expected to fail for SMTP AUTH in every tenant (550 5.7.30 or 535 5.7.139). Use OAuth 2.0.';
    expect(detailBesideMilestones(own, [defaultOff, removal])).toBe(own);
  });
});

describe('a milestone beside its title', () => {
  it('drops the title its first sentence already says', () => {
    expect(detailSaysTitle('Disabled by default for existing tenants', defaultOff)).toBe(true);
    expect(detailSaysTitle('Final removal', removal)).toBe(true);
    expect(detailSaysTitle('Unavailable by default for new tenants', 'New tenants do not have SMTP AUTH Basic authentication by default; OAuth is the supported method.')).toBe(false);
  });
});
