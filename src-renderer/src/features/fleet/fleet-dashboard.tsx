/**
 * The fleet dashboard above the Addresses table: counts by state, a summary per mail
 * server, a sortable and filterable table of every address, and the bulk actions
 * (re-check all or the selected, export the selected) with the run's progress. Every
 * re-check goes through `verification:recheck-all`, so the per-server limits hold here too.
 */
import { Button, Input, makeStyles, ProgressBar, Select, Text, tokens } from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import { fleetEventSchema, type FleetEvent } from '../../../../src-preload/contract/fleet-schemas';
import { addressStandingLabels, addressStandings } from '../../../../src-preload/contract/state-labels';
import { channelKey, useChannelQuery } from '../../api/hooks';
import { useOperationRun } from '../../api/use-operation-run';
import { LiveStatus } from '../../ui/live-status';
import { ServerRotation } from './server-rotation';
import { countByState, exportRows, filterRows, fleetReducer, fleetRows, idleProgress, serverSummary, sortRows, SORT_KEYS, type FleetAction, type FleetProgress, type SortKey } from './fleet-rows';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, marginBlockEnd: tokens.spacingVerticalXL },
  counts: { display: 'flex', gap: tokens.spacingHorizontalL, flexWrap: 'wrap', margin: 0, padding: 0, listStyleType: 'none' },
  servers: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL },
  bar: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'end' },
  scroll: { overflowX: 'auto' },
  check: { width: '16px', height: '16px', accentColor: tokens.colorBrandBackground, ':focus-visible': { outlineWidth: '2px', outlineStyle: 'solid', outlineColor: tokens.colorStrokeFocus2, outlineOffset: '2px' } },
  table: { borderCollapse: 'collapse', width: '100%', fontSize: tokens.fontSizeBase200 },
  cell: {
    textAlign: 'start',
    paddingBlock: tokens.spacingVerticalXS,
    paddingInline: tokens.spacingHorizontalS,
    borderBlockEndWidth: tokens.strokeWidthThin,
    borderBlockEndStyle: 'solid',
    borderBlockEndColor: tokens.colorNeutralStroke2,
    whiteSpace: 'nowrap',
  },
  sort: {
    backgroundColor: 'transparent',
    borderTopStyle: 'none',
    borderRightStyle: 'none',
    borderBottomStyle: 'none',
    borderLeftStyle: 'none',
    paddingTop: 0,
    paddingRight: 0,
    paddingBottom: 0,
    paddingLeft: 0,
    fontFamily: 'inherit',
    fontSize: 'inherit',
    color: 'inherit',
    cursor: 'pointer',
    fontWeight: tokens.fontWeightSemibold,
    ':focus-visible': { outlineWidth: '2px', outlineStyle: 'solid', outlineColor: tokens.colorStrokeFocus2, outlineOffset: '2px' },
  },
});

const LABELS: Record<SortKey, string> = {
  state: 'State',
  address: 'Address',
  platform: 'Platform',
  environment: 'Environment',
  domain: 'Domain',
  server: 'Server',
  lastCheckAt: 'Last check',
  credentialAgeDays: 'Credential age',
  blockers: 'Blockers',
};

const CHANNELS = ['verification:recheck-all'] as const;
const isFleetEvent = (value: unknown): value is FleetEvent => fleetEventSchema.safeParse(value).success;

export function FleetDashboard({ addresses }: { readonly addresses: readonly AddressView[] }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const statuses = useChannelQuery('verification:status', {});
  const [sort, setSort] = useState<{ key: SortKey; direction: 'ascending' | 'descending' }>({ key: 'state', direction: 'ascending' });
  const [text, setText] = useState('');
  const [state, setState] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [exportNote, setExportNote] = useState<string | null>(null);
  // Folded until asked for: the Addresses table below already lists every address once.
  const [tableOpen, setTableOpen] = useState(false);
  const run = useOperationRun<'verification:recheck-all', FleetEvent, FleetProgress, FleetAction>({ channels: CHANNELS, idPrefix: 'fleet', isEvent: isFleetEvent, reducer: fleetReducer, initial: idleProgress });
  const progress = run.state;

  const rows = useMemo(() => fleetRows(addresses, statuses.data ?? [], new Date(), new Set(progress.throttled)), [addresses, statuses.data, progress.throttled]);
  const shown = useMemo(() => sortRows(filterRows(rows, { text, state }), sort.key, sort.direction), [rows, text, state, sort]);
  const counts = countByState(rows);
  const servers = serverSummary(rows);

  // A finished run changed statuses (and each address's last test): read them again.
  useEffect(() => {
    if (progress.result === null && progress.error === null) return;
    void queryClient.invalidateQueries({ queryKey: channelKey('verification:status') });
    void queryClient.invalidateQueries({ queryKey: channelKey('addresses:list') });
  }, [progress.result, progress.error, queryClient]);
  const runMessage =
    progress.error !== null
      ? `The re-check stopped: ${progress.error}`
      : progress.result === null
        ? null
        : `Re-checked ${progress.result.addresses.filter((a) => a.rechecked).length} of ${progress.result.addresses.length} addresses${
            progress.throttled.length > 0 ? `; ${progress.throttled.length} waited for a busy mail server` : ''
          }.`;
  const message = exportNote ?? runMessage;

  const recheck = (ids: readonly string[] | null) => {
    setExportNote(null);
    run.start('verification:recheck-all', (operationId) => ({
      started: { type: 'start', operationId, total: ids?.length ?? addresses.length },
      input: { operationId, perHost: 2, concurrency: 8, ...(ids === null ? {} : { addressIds: [...ids] }) },
    }));
  };

  const exportSelected = () => {
    const chosen = rows.filter((r) => selected.has(r.id));
    const blob = new Blob([exportRows(chosen, new Date())], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'relayproof-fleet.json';
    link.click();
    URL.revokeObjectURL(link.href);
    setExportNote(`Exported ${chosen.length} address${chosen.length === 1 ? '' : 'es'} (no secrets).`);
  };

  const toggle = (id: string) => setSelected((current) => {
    const next = new Set(current);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const allShown = shown.length > 0 && shown.every((r) => selected.has(r.id));

  return (
    <section className={styles.section} aria-labelledby="fleet-heading">
      <Text as="h2" id="fleet-heading" size={500} weight="semibold">
        All addresses
      </Text>
      <ul className={styles.counts} aria-label="Addresses by state">
        {counts.map((c) => (
          <li key={c.state}>
            <Text weight="semibold">{c.count}</Text> {addressStandingLabels[c.state].toLowerCase()}
          </li>
        ))}
      </ul>
      <ul className={styles.servers} aria-label="Addresses per mail server">
        {servers.map((s) => (
          <li key={s.server}>
            {s.server}: {s.addresses} address{s.addresses === 1 ? '' : 'es'}, {s.failing} failing
          </li>
        ))}
      </ul>
      <div className={styles.bar}>
        <Button appearance="primary" disabled={progress.running || addresses.length === 0} onClick={() => recheck(null)}>
          Re-check all
        </Button>
        {progress.running ? <Button onClick={run.cancel}>Cancel the re-check</Button> : null}
        <Button aria-expanded={tableOpen} aria-controls="fleet-table" onClick={() => setTableOpen((o) => !o)}>
          {tableOpen ? 'Hide the fleet table' : 'Sort, filter and select addresses'}
        </Button>
      </div>
      {/* Only with the table: a flex bar ignores the hidden attribute, so it is not drawn at all while folded. */}
      {tableOpen ? (
      <div className={styles.bar}>
        <Input aria-label="Filter addresses" placeholder="Filter by address, domain, server…" value={text} onChange={(_, d) => setText(d.value)} />
        <Select aria-label="Show state" value={state} onChange={(_, d) => setState(d.value)}>
          <option value="">Every state</option>
          {addressStandings.map((s) => (
            <option key={s} value={s}>
              {addressStandingLabels[s]}
            </option>
          ))}
        </Select>
        <Button disabled={progress.running || selected.size === 0} onClick={() => recheck([...selected])}>
          Re-check selected ({selected.size})
        </Button>
        <Button disabled={selected.size === 0} onClick={exportSelected}>
          Export selected
        </Button>
      </div>
      ) : null}
      {progress.running ? (
        <div>
          <Text id="fleet-progress-label">
            Checked {progress.done} of {progress.total}
            {progress.throttled.length > 0 ? `; ${progress.throttled.length} waiting for a busy server` : ''}
          </Text>
          <ProgressBar aria-labelledby="fleet-progress-label" value={progress.total === 0 ? 0 : progress.done / progress.total} />
        </div>
      ) : null}
      <LiveStatus message={message} />
      {tableOpen ? <ServerRotation rows={rows} /> : null}
      {/* Drawn only when opened: folded, its rows would be a second copy of every address in the page (and 200 rows of work on first view). */}
      {tableOpen ? (
      <div className={styles.scroll} id="fleet-table">
        <table className={styles.table} aria-label="Every address">
          <thead>
            <tr>
              <th className={styles.cell} scope="col">
                <input type="checkbox" className={styles.check} aria-label="Select every shown address" checked={allShown} onChange={() => setSelected(allShown ? new Set() : new Set(shown.map((r) => r.id)))} />
              </th>
              {SORT_KEYS.map((key) => (
                <th key={key} className={styles.cell} scope="col" aria-sort={sort.key === key ? sort.direction : 'none'}>
                  <button type="button" className={styles.sort} onClick={() => setSort((s) => ({ key, direction: s.key === key && s.direction === 'ascending' ? 'descending' : 'ascending' }))}>
                    {LABELS[key]}
                    {/* aria-sort says it to assistive technology; the arrow is for the eye. */}
                    <span aria-hidden="true">{sort.key === key ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}</span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id}>
                <td className={styles.cell}>
                  {/* A native checkbox: 200 rows of Fluent's Checkbox cost most of the table's render time. */}
                  <input type="checkbox" className={styles.check} aria-label={`Select ${r.address}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} />
                </td>
                <td className={styles.cell}>
                  {addressStandingLabels[r.state]}
                  {r.throttled ? ' (server was busy)' : ''}
                </td>
                <th className={styles.cell} scope="row">
                  {r.address}
                </th>
                <td className={styles.cell}>{r.platform}</td>
                <td className={styles.cell}>{r.environment}</td>
                <td className={styles.cell}>{r.domain}</td>
                <td className={styles.cell}>{r.server}</td>
                <td className={styles.cell}>{r.lastCheckAt === null ? 'never' : new Date(r.lastCheckAt).toLocaleString()}</td>
                <td className={styles.cell}>{r.credentialAgeDays === null ? 'unknown' : `${r.credentialAgeDays} d`}</td>
                <td className={styles.cell}>{r.blockers.length === 0 ? 'none' : r.blockers.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      ) : null}
    </section>
  );
}
