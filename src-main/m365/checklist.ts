/**
 * The Microsoft 365 readiness checklist for one mailbox: every item from
 * resources/m365.json with its why, how to check, PowerShell to check and to fix, and a
 * state. States are decided in this order, later wins:
 *   1. default — unknown, or not-applicable for the other sign-in method;
 *   2. computed — the Basic-auth retirement for today's date; send-as when From is the mailbox itself;
 *   3. admin — what the admin marked by hand;
 *   4. test / pasted-error — evidence: a connection test report, then a pasted error.
 * Pure: facts and catalogue are passed in, "today" too.
 */
import { ok, type Result } from '../../src-preload/contract';
import type { ReplyCatalogue } from '../analyze/reply-catalogue';
import { invalidInput } from '../smtp/invalid-input';
import { authModeOf, findingsFromReport, findingsFromText, type ItemFinding } from './failure-decoder';
import { renderTemplate } from './powershell';
import { retirementStatus } from './retirement';
import {
  m365ChecklistInputSchema,
  readinessItemIds,
  type M365AuthMode,
  type M365Checklist,
  type M365ChecklistInput,
  type M365ChecklistRequest,
  type M365Facts,
  type ReadinessItem,
  type ReadinessItemDefinition,
  type RetirementStatus,
} from '../../src-preload/contract/m365-schemas';

export interface ChecklistDeps {
  readonly facts: M365Facts;
  readonly catalogue: ReplyCatalogue;
  /** "Today" when the input names none. */
  readonly clock?: () => Date;
}

/** Validates the input (every value that reaches a PowerShell line), then builds the checklist. */
export function m365Checklist(input: M365ChecklistInput, deps: ChecklistDeps): Result<M365Checklist> {
  const parsed = m365ChecklistInputSchema.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const today = parsed.data.today ?? (deps.clock ?? (() => new Date()))().toISOString().slice(0, 10);
  return ok(buildChecklist(parsed.data, deps.facts, deps.catalogue, today));
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function buildChecklist(request: M365ChecklistRequest, facts: M365Facts, catalogue: ReplyCatalogue, today: string): M365Checklist {
  // The test is what really happened: its sign-in method wins over the one chosen in the form.
  const mode: M365AuthMode = (request.report !== undefined ? authModeOf(request.report) : null) ?? request.authMode;
  const retirement = retirementStatus(facts, today);
  const values = {
    upn: request.upn,
    ...(request.from !== undefined ? { from: request.from } : {}),
    ...(request.appId !== undefined ? { appId: request.appId } : {}),
    ...(request.objectId !== undefined ? { objectId: request.objectId } : {}),
  };

  const byId = new Map<string, Mutable<ReadinessItem>>();
  for (const id of readinessItemIds) {
    const definition = facts.items.find((d) => d.id === id);
    // The facts schema requires every item.
    if (definition === undefined) throw new Error(`m365.json has no readiness item "${id}"`);
    byId.set(id, fromDefinition(definition, mode, values));
  }
  const item = (id: ReadinessItem['id']) => byId.get(id) as Mutable<ReadinessItem>;
  const set = (id: ReadinessItem['id'], state: ReadinessItem['state'], setBy: ReadinessItem['setBy'], evidence: string) =>
    Object.assign(item(id), { state, setBy, evidence, diagnosis: null, highlighted: false });

  // 2. computed
  if (mode === 'basic') {
    const state = retirement.phase === 'unchanged' ? 'ok' : 'problem';
    set('basic-auth-retirement', state, 'computed', retirementEvidence(retirement));
  }
  if (request.from === undefined || request.from.toLowerCase() === request.upn.toLowerCase()) {
    set('send-as-rights', 'not-applicable', 'computed', 'The connector sends as the mailbox’s own address, which needs no extra right. Give a From address if it sends as another one.');
  }

  // 3. admin
  for (const mark of request.marks) set(mark.id, mark.state, 'admin', mark.note ?? 'Set by the admin.');

  // 4. evidence
  const findings: ItemFinding[] = [
    ...(request.report !== undefined ? findingsFromReport(request.report, catalogue, mode) : []),
    ...(request.pastedError !== undefined ? findingsFromText(request.pastedError, catalogue, facts, mode) : []),
  ];
  for (const finding of findings) {
    const target = item(finding.item);
    if (finding.state === 'unknown') {
      if (target.state === 'unknown') target.evidence = finding.evidence;
      continue;
    }
    Object.assign(target, {
      state: finding.state,
      setBy: finding.setBy,
      evidence: finding.evidence,
      diagnosis: finding.diagnosis !== null ? { code: finding.diagnosis.code, title: finding.diagnosis.title, cause: finding.diagnosis.cause } : null,
      highlighted: finding.decisive,
    });
  }

  const items = readinessItemIds.map((id) => item(id));
  // One fix to run first: the decisive failure's, else the first problem in checklist order.
  const first = items.find((i) => i.state === 'problem' && i.highlighted) ?? items.find((i) => i.state === 'problem');
  for (const i of items) i.highlighted = i === first;
  const count = (state: ReadinessItem['state']) => items.filter((i) => i.state === state).length;
  return {
    upn: request.upn,
    from: request.from ?? null,
    authMode: mode,
    endpoint: { host: facts.endpoint.host, port: facts.endpoint.port, security: facts.endpoint.security, tlsMinimum: facts.tls.minimumVersion, username: facts.endpoint.username },
    limits: facts.limits.map((l) => ({ key: l.key, value: l.value, unit: l.unit, description: l.description })),
    retirement,
    items,
    counts: { ok: count('ok'), problem: count('problem'), unknown: count('unknown'), notApplicable: count('not-applicable') },
    nextFix: first === undefined ? null : { item: first.id, title: first.title, script: first.fix.script, command: first.fix.command },
    ready: items.every((i) => i.state === 'ok' || i.state === 'not-applicable'),
  };
}

function fromDefinition(definition: ReadinessItemDefinition, mode: M365AuthMode, values: Parameters<typeof renderTemplate>[1]): Mutable<ReadinessItem> {
  const applies = definition.appliesTo.includes(mode);
  return {
    id: definition.id,
    title: definition.title,
    appliesTo: definition.appliesTo,
    why: definition.why,
    howToCheck: definition.howToCheck,
    settingValues: definition.settingValues,
    check: {
      shell: definition.check.shell,
      commands: definition.check.commands.map((c) => renderTemplate(c, values)).filter((c): c is string => c !== null),
      portal: definition.check.portal,
    },
    fix: {
      script: definition.fix.script,
      command: definition.fix.command !== null ? renderTemplate(definition.fix.command, values) : null,
      steps: definition.fix.steps,
    },
    state: applies ? 'unknown' : 'not-applicable',
    setBy: 'default',
    evidence: applies ? null : `Applies only to ${definition.appliesTo.map((m) => (m === 'basic' ? 'password (Basic) sign-in' : 'OAuth 2.0 sign-in')).join(' and ')}.`,
    diagnosis: null,
    highlighted: false,
    references: definition.references,
    source: definition.source,
    checked: definition.checked,
  };
}

function retirementEvidence(status: RetirementStatus): string {
  return `${status.headline} ${status.detail}${status.staleWarning !== null ? ` ${status.staleWarning}` : ''}`;
}
