/** The log every CLI command writes, in the data folder (logger.ts loads nothing heavy). */
import { join } from 'node:path';
import { createLogger, type Logger } from '../log/logger';

export function cliLogger(dataDirectory: string): Logger {
  return createLogger({ file: join(dataDirectory, 'logs', 'relayproof.log') });
}
