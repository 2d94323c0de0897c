/**
 * One new secret for every address on one mail server (a shared relay password was
 * changed): each address in turn goes through `addresses:rotate-secret`, which tests the
 * new secret against that address's server and account first and replaces the stored one
 * only when it signed in; otherwise the old secret stays. One at a time, so the server
 * sees one connection. Reported per address. The secret lives in this form only until
 * the run starts.
 */
import { Button, Field, Input, makeStyles, Select, Text, tokens } from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApiClient } from '../../api/api-context';
import { toChannelError } from '../../api/channel-error';
import { callChannel, channelKey } from '../../api/hooks';
import type { FleetRow } from './fleet-rows';

const useStyles = makeStyles({
  form: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'end' },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL },
});

interface Outcome {
  readonly address: string;
  readonly rotated: boolean;
  readonly text: string;
}

export function ServerRotation({ rows }: { readonly rows: readonly FleetRow[] }) {
  const styles = useStyles();
  const { api } = useApiClient();
  const queryClient = useQueryClient();
  const servers = [...new Set(rows.map((r) => r.server))].sort();
  const [server, setServer] = useState('');
  const [secret, setSecret] = useState('');
  const [running, setRunning] = useState(false);
  const [outcomes, setOutcomes] = useState<readonly Outcome[]>([]);
  const chosen = server === '' ? (servers[0] ?? '') : server;
  const targets = rows.filter((r) => r.server === chosen);

  const rotate = async () => {
    const typed = secret;
    // The form forgets the secret at once; each call carries it to main only.
    setSecret('');
    setRunning(true);
    setOutcomes([]);
    for (const target of targets) {
      let outcome: Outcome;
      try {
        const result = await callChannel(api, 'addresses:rotate-secret', { operationId: `rotate-${crypto.randomUUID()}`, id: target.id, secret: typed });
        outcome = result.rotated
          ? { address: target.address, rotated: true, text: 'signed in with the new secret; it is now the stored one' }
          : { address: target.address, rotated: false, text: `kept the old secret: ${result.report.failure?.message ?? 'the new one did not sign in'}` };
      } catch (error) {
        outcome = { address: target.address, rotated: false, text: `kept the old secret: ${toChannelError(error).appError.message}` };
      }
      setOutcomes((list) => [...list, outcome]);
    }
    setRunning(false);
    void queryClient.invalidateQueries({ queryKey: channelKey('addresses:list') });
  };

  if (servers.length === 0) return null;
  const done = outcomes.length;
  const rotated = outcomes.filter((o) => o.rotated).length;
  return (
    <section aria-labelledby="server-rotation-heading">
      <Text as="h3" id="server-rotation-heading" weight="semibold">
        New secret for every address on one server
      </Text>
      <form
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          if (!running && secret !== '' && targets.length > 0) void rotate();
        }}>
        <Field label="Mail server">
          <Select value={chosen} onChange={(_, d) => setServer(d.value)}>
            {servers.map((s) => (
              <option key={s} value={s}>
                {s} ({rows.filter((r) => r.server === s).length})
              </option>
            ))}
          </Select>
        </Field>
        <Field label="New secret" hint="Tested on each address first; an address keeps its old secret when the new one does not sign in.">
          <Input type="password" autoComplete="new-password" value={secret} onChange={(_, d) => setSecret(d.value)} />
        </Field>
        <Button type="submit" disabled={running || secret === '' || targets.length === 0}>
          Rotate {targets.length} address{targets.length === 1 ? '' : 'es'}
        </Button>
      </form>
      {done > 0 || running ? (
        <>
          <Text role="status">
            {running ? `Rotating: ${done} of ${targets.length} done` : `${rotated} of ${done} addresses now use the new secret.`}
          </Text>
          <ul className={styles.list} aria-label="Rotation per address">
            {outcomes.map((o) => (
              <li key={o.address}>
                {o.address}: {o.text}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
