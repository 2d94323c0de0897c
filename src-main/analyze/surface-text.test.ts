/**
 * Fix steps are written once and rendered per surface: the app never shows a command
 * line, the CLI never names a button, and stored text names both.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { forSurface, surfacePieces, unknownSurfaceTokens } from '../../src-preload/contract/surface-text';
import { replyFileSchema } from '../../src-preload/contract/analyze';
import { loadReplyCatalogue, repositoryResourcesDir, type ReplyCatalogue } from './reply-catalogue';

let catalogue: ReplyCatalogue;
beforeAll(async () => {
  const loaded = await loadReplyCatalogue(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  catalogue = loaded.catalogue;
});

const CLI_SYNTAX = /relayproof |--pin|--dns-server|`/u;
const APP_CONTROLS = /Probe ports|Trust this certificate|Settings, DNS servers/u;

describe('fix steps per surface', () => {
  it('the app shows no command line and the CLI names no button, for every step of the catalogue', () => {
    const steps = catalogue.entries.flatMap((e) => e.entry.steps);
    const tokened = steps.filter((s) => s.includes('{{'));
    expect(tokened.length).toBeGreaterThanOrEqual(8);
    for (const step of tokened) {
      expect(forSurface(step, 'app')).not.toMatch(/relayproof |--pin|--dns-server/u);
      expect(forSurface(step, 'cli')).not.toMatch(APP_CONTROLS);
      expect(forSurface(step, 'neutral')).not.toContain('{{');
    }
    // No step writes a command or a control outside a token: it would reach the wrong surface.
    for (const step of steps.filter((s) => !s.includes('{{'))) expect(step).not.toMatch(/relayproof smtp|--pin </u);
  });

  it('renders each token in the surface\'s words, with the host on the command line', () => {
    const step = '{{run-probe}} to see which ports answer.';
    expect(forSurface(step, 'app')).toBe('Use Probe ports to see which ports answer.');
    expect(forSurface(step, 'cli', { host: 'smtp.example.com' })).toBe('Run `relayproof smtp probe smtp.example.com` to see which ports answer.');
    expect(forSurface('Accept it with {{pin}}.', 'cli')).toBe('Accept it with `--pin <SHA-256 fingerprint>`.');
    expect(forSurface('Compare: {{dns-server:9.9.9.9}}.', 'app')).toBe('Compare: put 9.9.9.9 in Settings, DNS servers, and test again.');
    expect(surfacePieces('Accept it with {{pin}}.', 'app')).toEqual([{ text: 'Accept it with ' }, { text: '“Trust this certificate”', action: 'pin' }, { text: '.' }]);
    expect(CLI_SYNTAX.test(forSurface('Accept it with {{pin}}.', 'app'))).toBe(false);
  });

  it('a catalogue step with a token no surface knows is refused when the catalogue loads', () => {
    expect(unknownSurfaceTokens('Run {{probes}} now')).toEqual(['probes']);
    const file = {
      $comment: 'x',
      entries: [{ ...JSON.parse(JSON.stringify(catalogue.entries[0]?.entry)), steps: ['Run {{probes}} now.'] }],
    };
    const parsed = replyFileSchema.safeParse(file);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('no surface knows');
  });
});
