import { Accordion, Button, makeStyles, mergeClasses, ProgressBar, Spinner, Text, tokens } from '@fluentui/react-components';
import type { CheckInputField, CheckItem, CheckStatus, FixRecord } from '../../../../src-preload/contract/checks-schemas';
import type { RouteId } from '../../../../src-preload/contract/route-ids';
import { countOf, partOf } from '../../../../src-preload/contract/plural';
import { useChannelQuery } from '../../api/hooks';
import { CopyButton } from '../../ui/copy-button';
import { ErrorBar } from '../../ui/error-bar';
import { requirementGroups } from './check-labels';
import { CheckItemView } from './check-item-view';
import { orderedItems, progressOf, requestDomain, requestPlatform, verdictOf, waitingIds, type RunState } from './checklist-run';
import { usePlatformNaming } from '../../api/use-platforms';
import { DnsText } from './dns-text';
import { checkIdWords, defaultRoute } from './route-words';
import { StatusChip } from './status-chip';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  head: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalM },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, lineHeight: tokens.lineHeightBase500, fontWeight: tokens.fontWeightSemibold },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  summary: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS, margin: 0 },
  counts: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, margin: 0, padding: 0, listStyleType: 'none' },
  count: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  muted: { color: tokens.colorNeutralForeground3 },
  group: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  groupHead: { display: 'flex', alignItems: 'baseline', gap: tokens.spacingHorizontalM, borderBottom: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke1}`, paddingBottom: tokens.spacingVerticalXS },
  groupTitle: { margin: 0, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400, fontWeight: tokens.fontWeightSemibold },
  verdict: { margin: 0, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400, fontWeight: tokens.fontWeightSemibold },
  verdictOk: { color: tokens.colorPaletteGreenForeground1 },
  verdictBad: { color: tokens.colorPaletteRedForeground1 },
  waiting: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  progress: { maxWidth: '32rem' },
});

const statusOrder: readonly CheckStatus[] = ['fail', 'error', 'needs-input', 'warn', 'pending', 'pass', 'not-needed'];

export interface ChecklistResultsProps {
  readonly state: Exclude<RunState, { phase: 'idle' }>;
  readonly onRerun: () => void;
  readonly onCheckPropagation: (record: FixRecord) => void;
  /** Moves focus to the form field a needs-input item asks for (the Checklist view's form). */
  readonly onFocusField?: ((field: CheckInputField) => void) | undefined;
}

export function ChecklistResults({ state, onRerun, onCheckPropagation, onFocusField }: ChecklistResultsProps) {
  const styles = useStyles();
  const platforms = usePlatformNaming();
  const platformList = useChannelQuery('platforms:list', {});
  const items = orderedItems(state);
  const waiting = waitingIds(state);
  const progress = progressOf(state);
  const counts = countsOf(items);
  const report = state.phase === 'done' ? state.report : null;
  const running = state.phase === 'running';
  const platformId = report?.platform ?? requestPlatform(state.request);
  const platform = platformList.data?.find((p) => p.id === platformId);
  // The route judged: the report's, else any item's, else what the form asked for (a saved address's is main's to pick).
  const routeId: RouteId | undefined = report?.route ?? items.find((i) => i.requirement.route !== null)?.requirement.route ?? (state.request.kind === 'form' ? state.request.input.route : undefined);
  const route = routeId === undefined ? (state.request.kind === 'form' ? defaultRoute(platform) : undefined) : platform?.routes.find((r) => r.id === routeId);
  const routeLabel = route?.label ?? null;
  const verdict = report === null ? null : verdictOf(report);

  return (
    <section className={styles.root} aria-labelledby="checklist-results-title" aria-busy={running}>
      <div className={styles.head}>
        <h2 className={styles.title} id="checklist-results-title">
          Results for <DnsText text={requestDomain(state.request)} />
        </h2>
        <div className={styles.actions}>
          <Button onClick={onRerun} disabledFocusable={running}>
            Re-run
          </Button>
          {report === null || report.zoneFile === '' ? null : (
            <>
              <CopyButton text={report.zoneFile} what="" label="Copy zone-file snippet" size="medium" />
              <Button onClick={() => downloadZoneFile(report.domain, report.zoneFile)}>Download .zone file</Button>
            </>
          )}
        </div>
      </div>

      {verdict === null ? null : (
        <p className={mergeClasses(styles.verdict, verdict.ok ? styles.verdictOk : styles.verdictBad)} data-testid="checklist-verdict" data-ok={verdict.ok}>
          {verdict.headline}
          {routeLabel === null ? '' : ` Route: ${routeLabel}.`}
        </p>
      )}
      <div className={styles.summary} data-testid="checklist-summary">
        <ul className={styles.counts} aria-label="Counts">
          {statusOrder.map((status) => (
            <li key={status} className={styles.count}>
              <StatusChip status={status} size="small" />
              <span>{counts[status]}</span>
            </li>
          ))}
        </ul>
        <Text className={styles.muted}>
          {summaryLine(state, platforms.label(platformId), items.length, progress.total)}
        </Text>
      </div>

      {running ? (
        <ProgressBar
          className={styles.progress}
          {...(progress.total === null ? {} : { value: progress.done })}
          max={progress.total ?? 1}
          aria-label="Checks done"
          aria-valuetext={progress.total === null ? 'Starting' : `${partOf(progress.done, progress.total, 'check')} done`}
        />
      ) : null}

      {state.phase === 'failed' ? <ErrorBar error={state.error} title="The checklist stopped" /> : null}

      {requirementGroups.map((group) => {
        // What the route needs decides the group: a check the route does not use is listed last, never as a failure.
        const members = items.filter((i) => i.requirement.level === group.level);
        if (members.length === 0) return null;
        return (
          <section key={group.level} className={styles.group} aria-labelledby={`group-${group.level}`}>
            <div className={styles.groupHead}>
              <h3 className={styles.groupTitle} id={`group-${group.level}`}>
                {group.label}
              </h3>
              <Text size={200} className={styles.muted}>
                {group.description}
              </Text>
            </div>
            <Accordion multiple collapsible>
              {members.map((item) => (
                <CheckItemView key={item.id} item={item} routeLabel={routeLabel} onCheckPropagation={onCheckPropagation} onFocusField={onFocusField} />
              ))}
            </Accordion>
          </section>
        );
      })}

      {waiting.length === 0 || !running ? null : (
        <div className={styles.waiting}>
          <Spinner size="extra-tiny" />
          <Text className={styles.muted}>
            Still checking: {waiting.map(checkIdWords).join(', ')}
          </Text>
        </div>
      )}
      {waiting.length === 0 || running ? null : (
        <Text className={styles.muted}>
          Not finished: {waiting.map(checkIdWords).join(', ')}
        </Text>
      )}
    </section>
  );
}

function countsOf(items: readonly CheckItem[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, pending: 0, error: 0, 'needs-input': 0, 'not-needed': 0 };
  for (const item of items) counts[item.status] += 1;
  return counts;
}

function summaryLine(state: Exclude<RunState, { phase: 'idle' }>, platformLabel: string, finished: number, total: number | null): string {
  // Which input was judged: the saved address as Relayproof knows it, or what the form said.
  const platform = state.request.kind === 'address' ? `${platformLabel} · ${state.request.address} as saved` : platformLabel;
  const servers = state.resolver === null ? '' : state.resolver.kind === 'system' ? " · this machine's resolvers" : ` · asked ${state.resolver.servers.join(', ')}`;
  switch (state.phase) {
    case 'running':
      return `${platform} · ${total === null ? 'starting' : `${partOf(finished, total, 'check')} done`}${servers}`;
    case 'done':
      return `${platform} · ${countOf(finished, 'check')} in ${(state.report.durationMs / 1000).toFixed(1)} s, ${countOf(state.report.queries, 'DNS question')}${servers}`;
    case 'cancelled':
      return `${platform} · cancelled after ${total === null ? countOf(finished, 'check') : partOf(finished, total, 'check')}${servers}`;
    case 'failed':
      return `${platform} · stopped after ${countOf(finished, 'check')}${servers}`;
  }
}

/** A `.zone` snippet the admin can import into a DNS host or keep with the ticket. */
function downloadZoneFile(domain: string, zoneFile: string): void {
  const url = URL.createObjectURL(new Blob([zoneFile], { type: 'text/dns' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${domain.replace(/[^a-z0-9.-]/giu, '_')}.zone`;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download synchronously; the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

