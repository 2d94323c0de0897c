/**
 * After a connection test passed, what the platform's own SMTP form takes (Zuora's External
 * SMTP: StartTLS, SocketFactory, the switch) and the sending-limit warning of a mailbox
 * service, for `smtp test --platform P` and `address test ID`. From the data files only.
 */
import { findResourcesDir } from '../app/resources-dir';
import { connectorFormGuide, providerForHost, sendingLimitNotice, type ConnectorFormGuide, type FormConnection, type SendingLimitNotice } from '../../src-preload/contract/connector-form';
import { loadPlatforms, unknownPlatformMessage } from '../providers/platforms';
import { loadProviders } from '../providers/providers';
import { formGuideLines, sendingLimitLines } from '../providers/platform-text';

export interface PlatformGuidance {
  /** Null when the platform has no form of its own, or the connection cannot go into it. */
  readonly form: ConnectorFormGuide | null;
  /** Why the form is not shown (a connection without TLS); null otherwise. */
  readonly formProblem: string | null;
  readonly sendingLimits: SendingLimitNotice | null;
  readonly text: string;
}

/**
 * The guidance for a platform and a connection, with the provider preset named by id (a
 * saved address) or found from the host (a test run). Null when the platform is unknown or
 * has nothing to add, or the data files cannot be read (the test's own output stands).
 */
export async function platformGuidance(
  platformId: string,
  connection: FormConnection,
  providerId: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<PlatformGuidance | null> {
  const resources = findResourcesDir(env);
  const [platforms, providers] = await Promise.all([loadPlatforms(resources), loadProviders(resources)]);
  if (!platforms.ok || !providers.ok) return null;
  const platform = platforms.platforms.get(platformId);
  if (platform === undefined) return null;
  const provider = providerId !== undefined ? providers.providers.find((p) => p.id === providerId) : providerForHost(providers.providers, connection.host);
  const result = connectorFormGuide(platform, connection, { provider });
  const form = result.kind === 'guide' ? result.guide : null;
  const formProblem = result.kind === 'unsupported' ? result.message : null;
  const sendingLimits = sendingLimitNotice(platform, provider);
  if (form === null && formProblem === null && sendingLimits === null) return null;
  const lines = [
    ...(form === null ? [] : formGuideLines(form, platform.shortName)),
    ...(formProblem === null ? [] : [formProblem]),
    ...(sendingLimits === null ? [] : sendingLimitLines(sendingLimits)),
  ];
  return { form, formProblem, sendingLimits, text: `${lines.join('\n')}\n` };
}

/** Why `--platform ID` names no installed platform (the known ones listed), or null when it does. */
export async function unknownPlatformProblem(platformId: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const platforms = await loadPlatforms(findResourcesDir(env));
  if (!platforms.ok || platforms.platforms.has(platformId)) return null;
  return unknownPlatformMessage(platformId, platforms.platforms);
}

/** The sending-limit warning of a platform for the mail service a host belongs to (`check --smtp-host`); null when none applies. */
export async function sendingLimitsForHost(platformId: string, host: string, env: NodeJS.ProcessEnv): Promise<SendingLimitNotice | null> {
  const resources = findResourcesDir(env);
  const [platforms, providers] = await Promise.all([loadPlatforms(resources), loadProviders(resources)]);
  if (!platforms.ok || !providers.ok) return null;
  const platform = platforms.platforms.get(platformId);
  return platform === undefined ? null : sendingLimitNotice(platform, providerForHost(providers.providers, host));
}
