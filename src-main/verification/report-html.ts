/**
 * The report as one self-contained HTML page: inline CSS only, no scripts, no images,
 * no links, a CSP that forbids loading anything, print styles — so it can be mailed to a
 * vendor's support, opened offline and printed. Every string from DNS, a message header
 * or a server reply is attacker-controllable: each goes through `visibleText` (hidden
 * and bidi characters named, Trojan Source) and is then HTML-escaped.
 */
import { visibleText } from '../../src-preload/contract/visible-text';
import { addressStandingLabels, addressStandings, addressStanding, itemLabel, itemStanding, itemStateLabels, type AddressStanding, type ItemStanding } from '../../src-preload/contract/state-labels';
import { awaitingInput, isUndecided, latestNotNeeded, type DriftEntry, type Fact, type MessageProof, type RunRecord, type StatusView, type VerificationReport } from '../../src-preload/contract/verification-schemas';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Visible, escaped, line breaks kept. */
function show(text: string | number | null | undefined): string {
  if (text === null || text === undefined) return '<span class="none">—</span>';
  return String(text)
    .split(/\r?\n/u)
    .map((line) => escapeHtml(visibleText(line)))
    .join('<br>');
}

function stateBadge(state: string): string {
  return `<span class="badge s-${escapeHtml(state.replace(/[^a-z-]/gu, ''))}">${show(state)}</span>`;
}

/** A state in the app's words (the contract's labels), coloured by what it means. */
function labelBadge(tone: string, label: string): string {
  return `<span class="badge${tone === '' ? '' : ` s-${tone}`}">${show(label)}</span>`;
}

const ITEM_TONES: Readonly<Record<ItemStanding, string>> = { unverified: '', pending: 'pending', verified: 'verified', failed: 'failed', stale: 'stale', 'needs-input': 'pending', undecided: '', 'verified-with-warning': 'warn' };
const VERDICT_TONES: Readonly<Record<AddressStanding, string>> = { failed: 'failed', stale: 'stale', pending: 'pending', 'not-fully-checked': '', 'never-checked': '', 'verified-with-warnings': 'warn', verified: 'verified' };

function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  if (Math.abs(s) < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (Math.abs(m) < 120) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

function facts(list: readonly Fact[]): string {
  if (list.length === 0) return '';
  return `<dl>${list.map((f) => `<dt>${show(f.label)}</dt><dd><code>${show(f.value)}</code></dd>`).join('')}</dl>`;
}

function driftBlock(d: Pick<DriftEntry, 'before' | 'after' | 'beforeAt' | 'afterAt'>): string {
  return `<div class="drift"><div><strong>Before</strong> (${show(d.beforeAt)})<pre>${show(d.before)}</pre></div><div><strong>After</strong> (${show(d.afterAt)})<pre>${show(d.after)}</pre></div></div>`;
}

/** "through your mail server (connector)": the route as the platform names it, and its id (the CLI's --route). */
export function routeWords(route: { readonly id: string; readonly label: string }): string {
  const label = route.label.charAt(0).toLowerCase() + route.label.slice(1);
  return `${label} (${route.id})`;
}

/** The items the route does not need (the last checklist run's list), as the Status view names them, each with why. */
function notNeededLine(runs: readonly RunRecord[]): string {
  const list = latestNotNeeded(runs);
  if (list === null || list.length === 0) return '';
  return `<p>Not needed on this route: ${list.map((n) => show(n.title)).join(', ')}.</p><ul>${list.map((n) => `<li>${show(n.title)}: ${show(n.why)}</li>`).join('')}</ul>`;
}

function itemsTable(status: StatusView): string {
  const rows = status.items.map((item) => {
    const s = item.status;
    // The Status view's words: a DNS item waiting for the admin's input says what to enter, one that ran without deciding says so.
    const asks = s.state === 'unverified' ? awaitingInput(item) : null;
    const undecided = isUndecided(item);
    const explanation = asks !== null ? (item.lastError?.message ?? '') : s.state !== 'unverified' ? s.explanation : undecided ? 'Checked, but not decided yet: the check could not run to the end.' : `${itemLabel(item)}.`;
    const errorLine = item.lastError === null || asks !== null ? '' : `<div class="error">${awaitingInput(item) === null ? 'The last check could not decide' : 'The last check needs your input'}: ${show(item.lastError.message)}</div>`;
    const evidence = s.state === 'unverified' ? null : s.evidence;
    const drift = s.state === 'stale' ? s.drift : s.state === 'verified' ? s.drift : null;
    return `<tr>
<td>${show(item.title)}<div class="id">${show(item.id)}</div></td>
<td>${labelBadge(ITEM_TONES[itemStanding(item)], itemLabel(item))}</td>
<td>${show(s.since)}</td>
<td>${show(item.checkedAt)}</td>
<td>${item.countdownMs === null ? '—' : escapeHtml(duration(item.countdownMs))}</td>
<td>${show(explanation)}${errorLine}${drift === null ? '' : driftBlock(drift)}${evidence === null ? '' : facts(evidence.facts)}</td>
</tr>`;
  });
  return `<table><thead><tr><th>Item</th><th>State</th><th>Since</th><th>Last checked</th><th>Time left</th><th>Explanation and evidence</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function messageSection(m: MessageProof): string {
  const auth = [
    ['SPF', m.spf.result, m.spf.explanation],
    ...m.dkim.map((d) => [`DKIM d=${d.domain ?? '?'} s=${d.selector ?? '?'} (${d.aligned ? 'aligned' : 'not aligned'})`, d.result, d.explanation] as const),
    ['DMARC', m.dmarc.result, m.dmarc.explanation],
    ['ARC', m.arc.result, m.arc.explanation],
  ] as const;
  const headers = Object.entries(m.headers).map(
    ([name, h]) => `<tr><td><code>${show(name)}</code></td><td>${h.present ? 'present' : '<strong>missing</strong>'}</td><td><code>${show(h.value)}</code></td><td><code>${show(h.expected)}</code></td><td>${h.unchanged === null ? '—' : h.unchanged ? 'unchanged' : '<strong>changed</strong>'}</td></tr>`,
  );
  const hops = m.received.map((r, i) => `<tr><td>${i}</td><td>${show(r.from)}</td><td>${show(r.ip)}</td><td>${show(r.by)}</td><td>${show(r.with)}</td><td>${show(r.at)}</td></tr>`);
  return `<h3>Latest verification email</h3>
<p>From <code>${show(m.from)}</code>, envelope <code>${show(m.envelopeFrom)}</code>, Message-ID <code>${show(m.messageId)}</code>. Sent by <code>${show(m.sender.ip)}</code> (HELO <code>${show(m.sender.helo)}</code>); delivery took ${escapeHtml(duration(m.delayMs))}. Overall: ${stateBadge(m.pass ? 'pass' : 'fail')}</p>
<table><thead><tr><th>Check</th><th>Result</th><th>Explanation</th></tr></thead><tbody>${auth.map(([name, result, text]) => `<tr><td>${show(name)}</td><td>${stateBadge(result)}</td><td>${show(text)}</td></tr>`).join('')}</tbody></table>
${headers.length === 0 ? '' : `<h4>Headers that must survive the relay</h4><table><thead><tr><th>Header</th><th>Present</th><th>Received value</th><th>Sent value</th><th>Unchanged</th></tr></thead><tbody>${headers.join('')}</tbody></table>`}
${m.findings.length === 0 ? '' : `<h4>Findings</h4><ul>${m.findings.map((f) => `<li>${stateBadge(f.severity)} ${show(f.message)}</li>`).join('')}</ul>`}
<h4>Received chain (newest first)</h4><table><thead><tr><th>#</th><th>From</th><th>IP</th><th>By</th><th>With</th><th>Time</th></tr></thead><tbody>${hops.join('')}</tbody></table>`;
}

function runsSection(runs: readonly RunRecord[]): string {
  if (runs.length === 0) return '<p>No runs recorded yet.</p>';
  const rows = runs.map(
    (r) => `<tr><td>${show(r.startedAt)}</td><td>${show(r.trigger)}</td><td>${r.transitions.map((t) => `${show(t.itemId)}: ${show(itemStateLabels[t.from])} → ${show(itemStateLabels[t.to])}`).join('<br>') || '—'}</td><td>${
      r.drift.length === 0 ? '—' : r.drift.map((d) => `<div><strong>${show(d.itemId)}</strong>${driftBlock(d)}</div>`).join('')
    }</td></tr>`,
  );
  return `<table><thead><tr><th>Started</th><th>Trigger</th><th>Changes</th><th>Drift (before / after)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;margin:2rem;max-width:75rem}
h1{font-size:1.5rem}h2{font-size:1.25rem;border-top:2px solid #ccc;padding-top:1rem;margin-top:2rem}h3{font-size:1.1rem}h4{font-size:1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#f2f2f2}code,pre{font-family:ui-monospace,Consolas,monospace;font-size:12px;overflow-wrap:anywhere;white-space:pre-wrap}
pre{margin:.25rem 0;background:#f7f7f7;padding:.35rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .75rem;margin:.5rem 0 0}dt{color:#555}dd{margin:0}
.badge{display:inline-block;padding:0 .4rem;border-radius:.25rem;border:1px solid #888;font-weight:600}
.s-verified,.s-pass{background:#e3f4e3;border-color:#2e7d32}.s-failed,.s-fail{background:#fde7e7;border-color:#c62828}
.s-stale,.s-warn,.s-softfail{background:#fff4d6;border-color:#b26a00}.s-pending{background:#e6f0fb;border-color:#1565c0}
.id{color:#666;font-size:12px}.none{color:#888}.error{color:#8a1c1c;margin-top:.25rem}.drift{display:grid;grid-template-columns:1fr 1fr;gap:.5rem;margin-top:.35rem}
@media print{body{margin:0;max-width:none}h2{break-before:page}tr,pre{break-inside:avoid}th{background:none}}
`;

export function reportHtml(report: VerificationReport): string {
  const sections = report.addresses.map((a) => {
    const s = a.status;
    return `<section>
<h2>${show(a.address)} ${labelBadge(VERDICT_TONES[verdictStanding(s, a.verdict)], a.verdict)}</h2>
<p>Platform ${show(a.platform)}, ${show(a.environment)}.${a.route === undefined ? '' : ` Route: ${show(routeWords(a.route))}.`} Domain <code>${show(s.domain)}</code>. Last checked ${show(s.lastCheckedAt)}.${
      s.worst === null ? ' Every item is verified.' : ` Needs attention: ${show(s.worst.title)} (${show(worstLabel(s))}).`
    }</p>
${itemsTable(s)}
${notNeededLine(a.runs)}
${a.latestMessage === null ? '' : messageSection(a.latestMessage)}
<h3>Recent runs</h3>
${runsSection(a.runs)}
</section>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>Relayproof verification report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Relayproof verification report</h1>
<p>Generated ${show(report.generatedAt)} (UTC) by Relayproof ${show(report.appVersion)}. Times are UTC, ISO 8601. This report contains no passwords or other secrets.</p>
${sections.join('\n') || '<p>No addresses.</p>'}
</body>
</html>
`;
}

/** The worst item in the words of its row (needs input, not decided, ...). */
function worstLabel(view: StatusView): string {
  const worst = view.worst;
  if (worst === null) return '';
  const item = view.items.find((i) => i.id === worst.id);
  return item === undefined ? itemStateLabels[worst.state] : itemLabel(item);
}

/** The standing behind the report's verdict (its colour), from the words the report carries. */
function verdictStanding(view: StatusView, verdict: string): AddressStanding {
  return addressStandings.find((st) => addressStandingLabels[st] === verdict) ?? addressStanding(view);
}
