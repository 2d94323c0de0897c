/**
 * The composition root as the CLI opens it. Imported with `import()` by run.ts once a
 * command needs the services, so `--help` and commands without them never load it.
 */
import { defaultDataDirectory } from '../app/data-directory';
import { createLogger } from '../log/logger';
import { m365OAuthFromEnv } from '../m365/authority';
import { createServices, type Services } from '../services';
import { UsageError, type CliIo } from './io';

export function openServices(io: CliIo, mode: Services['mode'] = 'cli'): Services {
  const dataDirectory = defaultDataDirectory(io.env);
  // Another Entra sign-in service (a sovereign cloud; the tests' loopback endpoint) is chosen at start, never per call.
  const authority = m365OAuthFromEnv(io.env);
  if (!authority.ok) throw new UsageError(authority.problem);
  return createServices({
    dataDirectory,
    mode,
    logger: createLogger({ file: `${dataDirectory}/logs/relayproof.log` }),
    m365OAuth: authority.oauth,
    ...(io.verification !== undefined ? { verification: io.verification } : {}),
  });
}
