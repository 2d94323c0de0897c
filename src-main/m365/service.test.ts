import { describe, expect, it } from 'vitest';
import { loadReplyCatalogue, repositoryResourcesDir } from '../analyze/reply-catalogue';
import { unsignedJwt } from '../testing/m365-token-endpoint';
import { loadM365Service } from './service';

describe('the Microsoft 365 service from resources/', () => {
  it('loads once and answers the checklist, script and token-explain calls with Results', async () => {
    const replies = await loadReplyCatalogue(repositoryResourcesDir());
    if (!replies.ok) throw new Error(replies.problems.join('\n'));
    const loaded = await loadM365Service(repositoryResourcesDir(), { catalogue: replies.catalogue, clock: () => new Date('2026-11-23T12:00:00Z') });
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const { service } = loaded;

    const checklist = service.checklist({ upn: 'support@contoso.com' });
    expect(checklist.ok && checklist.value.retirement.today).toBe('2026-11-23');
    expect(service.script({ script: 'enable-mailbox', upn: 'support@contoso.com' }).ok).toBe(true);

    const token = unsignedJwt({ aud: 'https://outlook.office365.com', roles: ['SMTP.SendAsApp'], tid: '11111111-2222-4333-8444-555555555555', exp: Date.parse('2026-11-23T11:00:00Z') / 1000 });
    const explained = service.explainToken({ token });
    expect(explained.ok && explained.value.problems).toEqual([expect.stringMatching(/expired .* \(60 minutes ago\)/u)]);
    const bad = service.explainToken({ token: '   ' });
    expect(bad.ok ? null : bad.error).toMatchObject({ code: 'invalid-input', message: 'token: Paste an access token.' });
  });

  it('reports a broken resources folder instead of throwing', async () => {
    const replies = await loadReplyCatalogue(repositoryResourcesDir());
    if (!replies.ok) throw new Error('catalogue');
    const loaded = await loadM365Service('/nonexistent-relayproof', { catalogue: replies.catalogue });
    expect(loaded.ok ? [] : loaded.problems).toEqual([expect.stringMatching(/nonexistent-relayproof\/m365\.json: ENOENT/u)]);
  });
});
