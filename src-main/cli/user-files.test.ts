/**
 * Issue 12: a file the admin hands to the CLI (an import file, a .eml, a CA certificate,
 * an app certificate) is size-checked BEFORE it is read. The files here are sparse: 3 GB
 * on paper and nothing on disk, so reading one would fail differently (Node refuses a
 * buffer over 2 GB) or take the machine's memory; a FIFO would block a reader forever.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../testing/cli-run';
import { readUserFile } from './io';

const THREE_GB = 3 * 1000 ** 3;

let dir: string;
let sparse: (name: string) => string;
let fifo: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relayproof-user-files-'));
  sparse = (name) => {
    const path = join(dir, name);
    writeFileSync(path, '');
    truncateSync(path, THREE_GB);
    return path;
  };
  fifo = join(dir, 'pipe.json');
  execFileSync('mkfifo', [fifo]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('files handed to the CLI are size-checked before they are read', () => {
  it('address import: a 3 GB file is refused naming the 1 MB limit', async () => {
    const run = await runCliCaptured(['address', 'import', sparse('huge.json')], join(dir, 'data'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('huge.json is 3000 MB; an import file can be at most 1 MB.');
  });

  it('address import: a pipe or device (size 0, never ends) is not read at all', async () => {
    const run = await runCliCaptured(['address', 'import', fifo], join(dir, 'data'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a regular file (a device or a pipe)');
  });

  it('message verify: a 3 GB .eml is refused naming the 25 MB limit', async () => {
    const run = await runCliCaptured(['message', 'verify', sparse('huge.eml')], join(dir, 'data'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/huge\.eml is 2861\.0 MB; Relayproof verifies messages up to 25 MB\./u);
  });

  it('verify --imap-ca: a 3 GB "CA certificate" is refused naming the limit', async () => {
    const run = await runCliCaptured(
      ['verify', 'addr-1', '--imap-host', 'imap.example.test', '--imap-user', 'inbox@example.test', '--imap-password-stdin', '--imap-ca', sparse('ca.pem')],
      join(dir, 'data'),
      'imap-password\n',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ca.pem is 3000 MB; a CA certificate file can be at most 1 MB.');
  });

  it('m365 token --certificate: a 3 GB certificate is refused naming the limit', async () => {
    const run = await runCliCaptured(
      ['m365', 'token', '--tenant', '11111111-2222-4333-8444-555555555555', '--client-id', 'aaaaaaaa-0000-4000-8000-000000000001', '--certificate-key-stdin', '--thumbprint', 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678', '--certificate', sparse('app.pem')],
      join(dir, 'data'),
      '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('app.pem is 3000 MB; the PEM certificate can be at most 64 KB.');
  });

  it('a file within the limit is read whole; a missing one is said plainly', async () => {
    const small = join(dir, 'small.txt');
    writeFileSync(small, 'héllo\n');
    expect(await readUserFile(small, 7, 'a file')).toEqual({ ok: true, text: 'héllo\n' });
    expect(await readUserFile(small, 6, 'a file')).toEqual({ ok: false, message: `${small} is 7 bytes; a file can be at most 6 bytes.` });
    expect(await readUserFile(join(dir, 'nope'), 10, 'a file')).toEqual({ ok: false, message: `Cannot read ${join(dir, 'nope')}: there is no such file.` });
    expect(await readUserFile(dir, 10, 'a file')).toEqual({ ok: false, message: `${dir} is a folder; give a file inside it.` });
  });
});
