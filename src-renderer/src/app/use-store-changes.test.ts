import { describe, expect, it } from 'vitest';
import { storeBackedChannels } from './use-store-changes';

describe('storeBackedChannels', () => {
  it('names what every stored document feeds, once each: what a page refetches when its event stream (re)connects', () => {
    const channels = storeBackedChannels();
    expect(new Set(channels).size).toBe(channels.length);
    for (const channel of ['addresses:list', 'settings:get', 'ses-identities:list', 'verification:status', 'verification:history', 'm365:get-oauth-state'] as const) expect(channels).toContain(channel);
    // Fixed data (never stale) is not among them.
    expect(channels).not.toContain('platforms:list');
  });
});
