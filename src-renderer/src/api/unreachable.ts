import type { AppError } from '../../../src-preload/contract';

/** What a component sees when the transport itself failed: data, never a throw. */
export function unreachableError(detail?: string): AppError {
  return {
    code: 'internal',
    message: 'Relayproof\u2019s background service is not reachable. It may have stopped or restarted.',
    hint:
      detail ??
      'Start Relayproof again (or run `relayproof serve` again) and open the new address it prints.',
  };
}
