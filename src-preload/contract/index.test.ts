import { describe, expect, it } from 'vitest';
import { addressChannels } from './addresses';
import { analyzeChannels } from './analyze';
import { appChannels } from './app';
import { checksChannels } from './checks';
import { channelNames, contract } from './index';
import { m365Channels } from './m365';
import { providerChannels } from './providers';
import { reportsChannels } from './reports';
import { sesIdentityChannels } from './ses-identities';
import { smtpChannels } from './smtp';
import { vaultChannels } from './vault';
import { verificationChannels } from './verification';

/** Each capability file and the channel prefixes it alone declares. */
const capabilities = [
  { file: 'app.ts', channels: appChannels, prefixes: ['app', 'settings'] },
  { file: 'addresses.ts', channels: addressChannels, prefixes: ['addresses', 'wizard'] },
  { file: 'vault.ts', channels: vaultChannels, prefixes: ['vault'] },
  { file: 'providers.ts', channels: providerChannels, prefixes: ['platforms', 'providers'] },
  { file: 'smtp.ts', channels: smtpChannels, prefixes: ['smtp'] },
  { file: 'analyze.ts', channels: analyzeChannels, prefixes: ['analyze'] },
  { file: 'checks.ts', channels: checksChannels, prefixes: ['checks'] },
  { file: 'm365.ts', channels: m365Channels, prefixes: ['m365'] },
  { file: 'verification.ts', channels: verificationChannels, prefixes: ['verification'] },
  { file: 'reports.ts', channels: reportsChannels, prefixes: ['reports'] },
  { file: 'ses-identities.ts', channels: sesIdentityChannels, prefixes: ['ses-identities'] },
];

describe('channels grouped by capability', () => {
  it('every channel of a prefix is declared in the one file that owns the prefix', () => {
    const misplaced = capabilities.flatMap(({ file, channels, prefixes }) =>
      Object.keys(channels)
        .filter((name) => !prefixes.includes(name.split(':')[0] ?? ''))
        .map((name) => `${name} in ${file}`),
    );
    expect(misplaced).toEqual([]);
    const owners = capabilities.flatMap(({ prefixes }) => prefixes);
    expect(channelNames.filter((name) => !owners.includes(name.split(':')[0] ?? ''))).toEqual([]);
  });

  it('no channel is declared twice (the contract spreads the groups, so a second one would silently win)', () => {
    const declared = capabilities.reduce((sum, { channels }) => sum + Object.keys(channels).length, 0);
    expect(declared).toBe(channelNames.length);
  });
});

describe('contract patch inputs', () => {
  it('a settings patch carries only the keys it names (no defaults filled in)', () => {
    const parsed = contract['settings:update'].input.parse({ patch: { theme: 'dark' } });
    expect(parsed).toEqual({ patch: { theme: 'dark' } });
  });

  it('an address patch does not reset the DKIM selectors', () => {
    const parsed = contract['addresses:update'].input.parse({ id: 'a-1', patch: { port: 465 } });
    expect(parsed).toEqual({ id: 'a-1', patch: { port: 465 } });
  });

  it('a patch still validates each value and refuses unknown keys', () => {
    expect(contract['settings:update'].input.safeParse({ patch: { smtpTimeoutSeconds: 1 } }).success).toBe(false);
    expect(contract['settings:update'].input.safeParse({ patch: { colour: 'blue' } }).success).toBe(false);
    expect(contract['addresses:update'].input.safeParse({ id: 'a-1', patch: { port: 70000 } }).success).toBe(false);
  });
});
