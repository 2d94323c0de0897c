/**
 * Where Basic authentication for SMTP AUTH stands on a given day, from the dated
 * milestones in resources/m365.json (never from dates in code).
 */
import type { M365Facts, RetirementMilestone, RetirementPhase, RetirementStatus } from '../../src-preload/contract/m365-schemas';

const DAY_MS = 86_400_000;
/** Dates this old are worth re-checking against Microsoft's announcements. */
const STALE_AFTER_DAYS = 180;

function days(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** "End of December 2026" → "end of December 2026" inside a sentence. */
function inSentence(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function milestone(facts: M365Facts, id: RetirementMilestone['id']): RetirementMilestone {
  const found = facts.basicAuthRetirement.milestones.find((m) => m.id === id);
  // The facts schema requires default-off and removal.
  if (found === undefined) throw new Error(`m365.json has no "${id}" milestone`);
  return found;
}

/** `today` is an ISO date (YYYY-MM-DD), injected so tests and the UI agree on "today". */
export function retirementStatus(facts: M365Facts, today: string): RetirementStatus {
  const defaultOff = milestone(facts, 'default-off');
  const removal = milestone(facts, 'removal');
  let phase: RetirementPhase;
  if (today < defaultOff.from) phase = 'unchanged';
  else if (today < removal.from) phase = 'default-off';
  else if (today <= removal.to) phase = 'removal-window';
  else phase = 'removal-due';

  let headline: string;
  let detail: string;
  switch (phase) {
    case 'unchanged': {
      const left = days(today, defaultOff.from);
      headline = `Basic authentication for SMTP AUTH works as before until ${inSentence(defaultOff.when)} (${plural(left, 'day')} from today).`;
      detail = `${defaultOff.detail} Then: ${removal.detail} Move the connector to OAuth 2.0 before then.`;
      break;
    }
    case 'default-off':
      headline = `Basic authentication for SMTP AUTH is now disabled by default for existing tenants (since ${inSentence(defaultOff.when)}).`;
      detail = `Passwords work only where an administrator re-enabled Basic authentication for SMTP AUTH. ${removal.detail} Move the connector to OAuth 2.0.`;
      break;
    case 'removal-window':
      headline = `Final removal of Basic authentication for SMTP AUTH is due now (${inSentence(removal.when)}).`;
      detail = `${removal.detail} A connector that signs in with a password can stop at any time: move it to OAuth 2.0 now.`;
      break;
    case 'removal-due':
      headline = `Basic authentication for SMTP AUTH should be gone: its removal was due in the ${inSentence(removal.when)}.`;
      detail = 'Passwords are expected to fail for SMTP AUTH in every tenant (550 5.7.30 or 535 5.7.139). Use OAuth 2.0.';
      break;
  }

  const upcoming = facts.basicAuthRetirement.milestones.filter((m) => m.from > today).sort((a, b) => a.from.localeCompare(b.from));
  const next = upcoming[0];
  const checked = facts.basicAuthRetirement.checked;
  const age = days(checked, today);
  return {
    today,
    phase,
    headline,
    detail,
    next: next === undefined ? null : { id: next.id, when: next.when, date: next.from, daysUntil: days(today, next.from) },
    milestones: facts.basicAuthRetirement.milestones.map((m) => ({
      id: m.id,
      title: m.title,
      when: m.when,
      from: m.from,
      to: m.to,
      status: today > m.to ? 'past' : today >= m.from ? 'current' : 'upcoming',
      detail: m.detail,
    })),
    staleWarning:
      age > STALE_AFTER_DAYS
        ? `These dates were last checked on ${checked}, ${plural(age, 'day')} ago. Microsoft has moved them before: check ${facts.basicAuthRetirement.source}.`
        : null,
    source: facts.basicAuthRetirement.source,
    checked,
  };
}
