/**
 * The early question the starter (start.ts, CommonJS) asked, handed to the ES-module CLI
 * (run.ts) it then imports. They are two bundles, each with its own copy of this module,
 * so the hand-over is a registered symbol on the global object, read once.
 */
import type { EarlyQuestion } from '../dns/early-question';

const KEY = Symbol.for('relayproof.cli.early-question');

/** What the starter decided: `question` null when it asked nothing (refused or doubtful input), and run.ts then asks nothing either. */
export interface HandedOver {
  readonly question: EarlyQuestion | null;
}

type Holder = { [KEY]?: HandedOver };

export function handOver(question: EarlyQuestion | null): void {
  (globalThis as Holder)[KEY] = { question };
}

/** What the starter handed over, once; undefined when the CLI was started without it (`node out/main/cli.js`). */
export function takeHandedOver(): HandedOver | undefined {
  const holder = globalThis as Holder;
  const handed = holder[KEY];
  delete holder[KEY];
  return handed;
}
