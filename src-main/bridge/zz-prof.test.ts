import { it } from 'vitest';
import { channelNames } from '../../src-preload/contract';
import { generateInvalidInputs } from './invalid-inputs';
it('prof', () => {
  for (const c of channelNames) {
    const t = Date.now();
    const g = generateInvalidInputs(c, { count: 1000, seed: 1, giant: 2 });
    console.log(c, Date.now() - t, g.discardedValid);
  }
}, 120000);
