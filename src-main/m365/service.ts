/**
 * The Microsoft 365 guide as one service for the composition root (services.ts): facts
 * loaded once, the diagnosis catalogue shared with the SMTP engine, I/O as parameters.
 * Every method returns a Result; the token methods also hand back the token itself,
 * for the main process only (keep it in a TokenHolder, never send it to the renderer).
 */
import type { Result } from '../../src-preload/contract';
import type { ReplyCatalogue } from '../analyze/reply-catalogue';
import { m365Checklist } from './checklist';
import { loadM365Facts } from './facts';
import { acquireAppToken, acquireDelegatedToken, type OAuthDeps, type TokenAcquisition } from './oauth';
import { generateScript } from './powershell';
import type {
  AppTokenInput,
  DeviceCodeInput,
  DeviceCodePrompt,
  ExplainTokenInput,
  GeneratedScript,
  M365Checklist,
  M365ChecklistInput,
  M365Facts,
  ScriptRequestInput,
  TokenExplanation,
} from '../../src-preload/contract/m365-schemas';
import { explainTokenInput } from './token-claims';

export interface M365ServiceDeps {
  readonly catalogue: ReplyCatalogue;
  readonly clock?: () => Date;
  /** OAuth I/O: extra CA certificates, a network client, the authority (tests: a loopback endpoint). */
  readonly oauth?: Omit<OAuthDeps, 'facts' | 'clock' | 'signal' | 'timeoutMs'>;
}

export interface M365Service {
  readonly facts: M365Facts;
  checklist(input: M365ChecklistInput): Result<M365Checklist>;
  script(input: ScriptRequestInput): Result<GeneratedScript>;
  explainToken(input: ExplainTokenInput): Result<TokenExplanation>;
  acquireAppToken(input: AppTokenInput, options?: { readonly signal?: AbortSignal; readonly timeoutMs?: number }): Promise<Result<TokenAcquisition>>;
  acquireDelegatedToken(input: DeviceCodeInput, options: { readonly onPrompt: (prompt: DeviceCodePrompt) => void; readonly signal?: AbortSignal }): Promise<Result<TokenAcquisition>>;
}

export type LoadM365ServiceResult = { readonly ok: true; readonly service: M365Service } | { readonly ok: false; readonly problems: readonly string[] };

export async function loadM365Service(resourcesDir: string, deps: M365ServiceDeps): Promise<LoadM365ServiceResult> {
  const loaded = await loadM365Facts(resourcesDir);
  if (!loaded.ok) return loaded;
  return { ok: true, service: createM365Service(loaded.facts, deps) };
}

export function createM365Service(facts: M365Facts, deps: M365ServiceDeps): M365Service {
  const clock = deps.clock ?? (() => new Date());
  const oauthDeps = (extra: Partial<OAuthDeps>): OAuthDeps => ({ ...deps.oauth, facts, clock, ...extra });
  return {
    facts,
    checklist: (input) => m365Checklist(input, { facts, catalogue: deps.catalogue, clock }),
    script: (input) => generateScript(input),
    explainToken: (input) => explainTokenInput(input, { oauth: facts.oauth, clock }),
    acquireAppToken: (input, options = {}) =>
      acquireAppToken(input, oauthDeps({ ...(options.signal !== undefined ? { signal: options.signal } : {}), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) })),
    acquireDelegatedToken: (input, options) => acquireDelegatedToken(input, { ...oauthDeps(options.signal !== undefined ? { signal: options.signal } : {}), onPrompt: options.onPrompt }),
  };
}
