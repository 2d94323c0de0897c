/**
 * Fix steps are written once (resources/replies) and rendered per surface: the app names
 * its own controls ("Probe ports", "Trust this certificate") and can link to them, the CLI
 * names its commands and options (`relayproof smtp probe HOST`, `--pin`), and text stored
 * for both (verification history) names both. A step marks the place with a token:
 *
 *   {{run-probe}}  a sentence start: "Use Probe ports" / "Run `relayproof smtp probe HOST`"
 *   {{probe}}      the probe as a noun
 *   {{pin}}        accepting exactly this certificate
 *   {{dns-server}} testing again through another resolver (the value after the colon)
 *
 * Pure: the renderer, the CLI and main's catalogue loader share it.
 */

export type Surface = 'app' | 'cli' | 'neutral';

export const surfaceActions = ['run-probe', 'probe', 'pin', 'dns-server'] as const;
export type SurfaceAction = (typeof surfaceActions)[number];

export interface SurfaceContext {
  /** The host the step is about (the CLI shows it in the command). */
  readonly host?: string | undefined;
}

export type SurfacePiece = { readonly text: string; readonly action?: undefined } | { readonly text: string; readonly action: SurfaceAction };

const TOKEN = /\{\{([a-z-]+)(?::([^}]*))?\}\}/gu;

function isAction(name: string): name is SurfaceAction {
  return (surfaceActions as readonly string[]).includes(name);
}

function wording(action: SurfaceAction, arg: string, surface: Surface, context: SurfaceContext): string {
  const host = context.host ?? 'HOST';
  switch (action) {
    case 'run-probe':
      return surface === 'app' ? 'Use Probe ports' : surface === 'cli' ? `Run \`relayproof smtp probe ${host}\`` : 'Probe the ports (Probe ports in the app, `relayproof smtp probe` on the command line)';
    case 'probe':
      return surface === 'app' ? 'Probe ports' : surface === 'cli' ? `\`relayproof smtp probe ${host}\`` : 'a port probe';
    case 'pin':
      return surface === 'app' ? '“Trust this certificate”' : surface === 'cli' ? '`--pin <SHA-256 fingerprint>`' : 'a pin of its fingerprint (“Trust this certificate” in the app, `--pin` on the command line)';
    case 'dns-server': {
      const server = arg === '' ? '1.1.1.1' : arg;
      return surface === 'app'
        ? `put ${server} in Settings, DNS servers, and test again`
        : surface === 'cli'
          ? `\`relayproof smtp test ... --dns-server ${server}\``
          : `test again through ${server} (Settings in the app, \`--dns-server\` on the command line)`;
    }
  }
}

/** The step cut into plain text and the surface's controls (the app links those). */
export function surfacePieces(text: string, surface: Surface, context: SurfaceContext = {}): SurfacePiece[] {
  const pieces: SurfacePiece[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const [whole, name = '', arg = ''] = match;
    const at = match.index;
    if (at > last) pieces.push({ text: text.slice(last, at) });
    if (isAction(name)) pieces.push({ text: wording(name, arg, surface, context), action: name });
    else pieces.push({ text: whole });
    last = at + whole.length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}

/** The step as one line of that surface's text. */
export function forSurface(text: string, surface: Surface, context: SurfaceContext = {}): string {
  return surfacePieces(text, surface, context)
    .map((p) => p.text)
    .join('');
}

/** Tokens a catalogue text uses that no surface knows (a typo in resources/replies). */
export function unknownSurfaceTokens(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((m) => m[1] ?? '').filter((name) => !isAction(name));
}
