/**
 * The composition root as the CLI opens it. Imported with `import()` by run.ts once a
 * command needs the services, so `--help` and commands without them never load it.
 */
import { defaultDataDirectory } from '../app/data-directory';
import type { Logger } from '../log/logger';
import { m365OAuthFromEnv } from '../m365/authority';
import { createServices, type Services } from '../services';
import { cliLogger } from './cli-logger';
import { UsageError, type CliIo } from './io';

/** `logger`: one made already for this data folder (serve logs before the services load). */
export function openServices(io: CliIo, mode: Services['mode'] = 'cli', logger?: Logger): Services {
  const dataDirectory = defaultDataDirectory(io.env);
  // Another Entra sign-in service (a sovereign cloud; the tests' loopback endpoint) is chosen at start, never per call.
  const authority = m365OAuthFromEnv(io.env);
  if (!authority.ok) throw new UsageError(authority.problem);
  return createServices({
    dataDirectory,
    mode,
    logger: logger ?? cliLogger(dataDirectory),
    m365OAuth: authority.oauth,
    ...(io.verification !== undefined ? { verification: io.verification } : {}),
  });
}
