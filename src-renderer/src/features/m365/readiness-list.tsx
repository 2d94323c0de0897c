import { Accordion, AccordionHeader, AccordionItem, AccordionPanel, Button, Field, makeStyles, mergeClasses, Select, Text, tokens } from '@fluentui/react-components';
import type { M365Checklist, ReadinessItem, ReadinessItemId, ReadinessMark, ReadinessState } from '../../../../src-preload/contract/m365-schemas';
import { assertNever } from '../../app/assert-never';
import { CopyButton } from '../../ui/copy-button';
import { downloadPs1, scriptOf } from './download';

export const readinessStateLabels = {
  unknown: 'Not checked',
  ok: 'OK',
  problem: 'Problem',
  'not-applicable': 'Not applicable',
} as const satisfies Record<ReadinessState, string>;

const useStyles = makeStyles({
  list: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  item: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  highlighted: { border: `${tokens.strokeWidthThick} solid ${tokens.colorPaletteRedBorder2}` },
  header: { margin: 0 },
  headerText: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, paddingBottom: tokens.spacingVerticalM },
  subheading: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  code: {
    margin: 0,
    padding: tokens.spacingHorizontalS,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
  },
  fixLine: { border: `${tokens.strokeWidthThick} solid ${tokens.colorPaletteRedBorder2}`, backgroundColor: tokens.colorPaletteYellowBackground1 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground2 },
  chip: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    padding: `0 ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusCircular,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase300,
    fontWeight: tokens.fontWeightSemibold,
    whiteSpace: 'nowrap',
  },
  ok: { backgroundColor: tokens.colorPaletteGreenBackground1, color: tokens.colorPaletteGreenForeground1, border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteGreenBorder1}` },
  problem: { backgroundColor: tokens.colorPaletteRedBackground1, color: tokens.colorPaletteRedForeground1, border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteRedBorder1}` },
  neutral: { backgroundColor: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground2, border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}` },
});

function glyph(state: ReadinessState): string {
  switch (state) {
    case 'ok':
      return '✓';
    case 'problem':
      return '✕';
    case 'unknown':
      return '?';
    case 'not-applicable':
      return '–';
    default:
      return assertNever(state);
  }
}

/** State as a glyph, a colour and a word: never colour alone. */
export function ReadinessChip({ state }: { readonly state: ReadinessState }) {
  const styles = useStyles();
  const tone = state === 'ok' ? styles.ok : state === 'problem' ? styles.problem : styles.neutral;
  return (
    <span className={mergeClasses(styles.chip, tone)} data-state={state}>
      <span aria-hidden="true">{glyph(state)}</span>
      {readinessStateLabels[state]}
    </span>
  );
}

/** The admin sets an item's state by hand; null = back to what Relayproof knows. */
export type OnMark = (id: ReadinessItemId, state: ReadinessState | null) => void;

export function ReadinessList({ checklist, marks = [], onMark }: { readonly checklist: M365Checklist; readonly marks?: readonly ReadinessMark[]; readonly onMark?: OnMark }) {
  const styles = useStyles();
  // Problems open by default, so the fix is one Tab away.
  const open = checklist.items.filter((i) => i.state === 'problem' || i.highlighted).map((i) => i.id);
  return (
    <Accordion multiple collapsible defaultOpenItems={open} className={styles.list} key={open.join(' ')} aria-label="Readiness items">
      {checklist.items.map((item) => (
        <ReadinessItemView key={item.id} item={item} mark={marks.find((m) => m.id === item.id)?.state ?? null} {...(onMark !== undefined ? { onMark } : {})} />
      ))}
    </Accordion>
  );
}

const AUTO = 'auto';

function ReadinessItemView({ item, mark, onMark }: { readonly item: ReadinessItem; readonly mark: ReadinessState | null; readonly onMark?: OnMark }) {
  const styles = useStyles();
  const summaryId = `m365-item-${item.id}-summary`;
  const overridden = mark !== null && item.setBy !== 'admin';
  return (
    <AccordionItem value={item.id} className={mergeClasses(styles.item, item.highlighted && styles.highlighted)} data-item-id={item.id} data-state={item.state} data-highlighted={item.highlighted}>
      <AccordionHeader as="h3" className={styles.header} button={{ 'aria-describedby': summaryId }}>
        <span className={styles.headerText}>
          <ReadinessChip state={item.state} />
          {item.title}
          {item.highlighted ? <Text weight="semibold">· fix this first</Text> : null}
        </span>
      </AccordionHeader>
      <AccordionPanel className={styles.panel}>
        <Text id={summaryId} className={styles.muted}>
          {item.evidence ?? `${readinessStateLabels[item.state]}.`}
        </Text>
        {item.diagnosis === null ? null : (
          <Text>
            {item.diagnosis.title} ({item.diagnosis.code}): {item.diagnosis.cause}
          </Text>
        )}
        {onMark === undefined ? null : (
          <Field
            label={`State of “${item.title}”`}
            hint={overridden ? 'The live test or pasted error decides this item; your choice applies when it no longer does.' : 'Set it yourself when you checked it another way.'}
          >
            <Select
              value={mark ?? AUTO}
              data-testid={`mark-${item.id}`}
              onChange={(_e, d) => onMark(item.id, d.value === AUTO ? null : (d.value as ReadinessState))}
            >
              <option value={AUTO}>As found by Relayproof</option>
              {(Object.keys(readinessStateLabels) as ReadinessState[]).map((s) => (
                <option key={s} value={s}>
                  {readinessStateLabels[s]}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <h4 className={styles.subheading}>Why it matters</h4>
        <Text>{item.why}</Text>
        <h4 className={styles.subheading}>How to check</h4>
        <Text>{item.howToCheck}</Text>
        {item.settingValues.length === 0 ? null : (
          <ul>
            {item.settingValues.map((v) => (
              <li key={v.value}>
                <code>{v.value}</code>: {v.meaning}
              </li>
            ))}
          </ul>
        )}
        {item.check.portal === null ? null : <Text>In the admin center: {item.check.portal}</Text>}
        {item.check.commands.length === 0 ? null : (
          <>
            <pre className={styles.code} data-testid={`check-${item.id}`}>
              {item.check.commands.join('\n')}
            </pre>
            <div className={styles.actions}>
              <CopyButton text={item.check.commands.join('\n')} what={`check commands for ${item.title}`} />
              <Button
                size="small"
                aria-label={`Download .ps1 check for ${item.title}`}
                onClick={() => downloadPs1(`relayproof-check-${item.id}.ps1`, scriptOf(item.check.shell, `check "${item.title}" (read-only)`, item.check.commands))}
              >
                Download .ps1
              </Button>
            </div>
          </>
        )}
        <h4 className={styles.subheading}>How to fix</h4>
        {item.fix.command === null ? null : (
          <>
            <pre className={mergeClasses(styles.code, item.highlighted && styles.fixLine)} data-testid={`fix-${item.id}`} data-highlighted={item.highlighted}>
              {item.fix.command}
            </pre>
            <div className={styles.actions}>
              <CopyButton text={item.fix.command} what={`fix for ${item.title}`} />
              <Button size="small" aria-label={`Download .ps1 fix for ${item.title}`} onClick={() => downloadPs1(`relayproof-fix-${item.id}.ps1`, scriptOf('exchange', `fix "${item.title}"`, [item.fix.command ?? '']))}>
                Download .ps1
              </Button>
            </div>
          </>
        )}
        <ol>
          {item.fix.steps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
        {item.fix.script === null ? null : <Text className={styles.muted}>The script generator below writes the whole “{item.fix.script}” script.</Text>}
      </AccordionPanel>
    </AccordionItem>
  );
}
