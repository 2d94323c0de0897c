/**
 * A real IMAP mailbox for tests: Debian's Dovecot (packages dovecot-imapd and
 * dovecot-lmtpd) started in the foreground on 127.0.0.1 with a throwaway configuration —
 * temp base/state directories, Maildir homes, a passwd-file of test users, IMAPS and
 * STARTTLS with the test PKI, plaintext auth refused, and an LMTP listener the signing
 * relay delivers to. Ports are picked free at start (retried if one is taken meanwhile).
 *
 * Runs as root (CI: mail stored as the `dovecot` user, logins as `dovenull`) or as any
 * other user (every process as that user, no chroot). `dovecotUnavailable()` says why it cannot
 * run here, so tests skip with that reason instead of failing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { closedTcpPort } from './closed-ports';
import type { KeyPair } from './tls-certs';

export const DOVECOT_BINARY = '/usr/sbin/dovecot';
const LMTP_BINARY = '/usr/lib/dovecot/lmtp';
const IMAP_BINARY = '/usr/lib/dovecot/imap';

export interface DovecotUser {
  readonly username: string;
  readonly password: string;
}

export interface DovecotOptions {
  readonly certificate: KeyPair;
  readonly users: readonly DovecotUser[];
  /** Name in Dovecot's Received fields (`by ...`). */
  readonly hostname?: string;
}

export interface DovecotServer {
  readonly host: '127.0.0.1';
  /** Implicit TLS (RFC 8314). */
  readonly imapsPort: number;
  /** IMAP with STARTTLS required before login. */
  readonly imapPort: number;
  readonly lmtpPort: number;
  /** Dovecot's own log so far (for a failing test's message). */
  log(): string;
  close(): Promise<void>;
}

/** Why Dovecot cannot run here, or null when it can. */
export function dovecotUnavailable(): string | null {
  if (process.platform !== 'linux') return `Dovecot tests run on Linux only (this is ${process.platform})`;
  if (!existsSync(DOVECOT_BINARY)) return 'Dovecot is not installed (apt-get install dovecot-imapd dovecot-lmtpd)';
  if (!existsSync(IMAP_BINARY)) return 'Dovecot IMAP is not installed (apt-get install dovecot-imapd)';
  if (!existsSync(LMTP_BINARY)) return 'Dovecot LMTP is not installed (apt-get install dovecot-lmtpd)';
  const uid = process.getuid?.() ?? -1;
  if (uid === 0) {
    for (const user of ['dovecot', 'dovenull']) {
      if (spawnSync('id', ['-u', user], { stdio: 'ignore' }).status !== 0) return `the system user ${user} is missing (reinstall dovecot-core)`;
    }
  }
  return null;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function idOf(user: string, flag: '-u' | '-g'): number {
  return Number(spawnSync('id', [flag, user], { encoding: 'utf8' }).stdout.trim());
}

interface Identity {
  readonly root: boolean;
  readonly internalUser: string;
  readonly internalGroup: string;
  readonly loginUser: string;
  readonly uid: number;
  readonly gid: number;
}

function identity(): Identity {
  if (process.getuid?.() === 0) {
    return { root: true, internalUser: 'dovecot', internalGroup: 'dovecot', loginUser: 'dovenull', uid: idOf('dovecot', '-u'), gid: idOf('dovecot', '-g') };
  }
  const me = userInfo();
  const group = spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim();
  return { root: false, internalUser: me.username, internalGroup: group, loginUser: me.username, uid: me.uid, gid: me.gid };
}

function config(dir: string, who: Identity, ports: { imaps: number; imap: number; lmtp: number }, hostname: string): string {
  // Without root, Dovecot cannot chroot its anvil and login processes.
  const chroot = who.root ? '' : '  chroot =\n';
  return `# Relayproof test mailbox: generated per test run.
instance_name = relayproof-test-${ports.imaps}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
hostname = ${hostname}
protocols = imap lmtp
listen = 127.0.0.1
ssl = required
ssl_cert = <${dir}/tls/cert.pem
ssl_key = <${dir}/tls/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = ${who.internalUser}
default_internal_group = ${who.internalGroup}
default_login_user = ${who.loginUser}
first_valid_uid = ${who.uid}
last_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:~/Maildir
mail_fsync = never
lmtp_add_received_header = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${who.uid} gid=${who.gid} home=${dir}/home/%u
}
namespace inbox {
  inbox = yes
  mailbox Junk {
    special_use = \\Junk
    auto = create
  }
}
service imap-login {
${chroot}  inet_listener imap {
    address = 127.0.0.1
    port = ${ports.imap}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${ports.imaps}
    ssl = yes
  }
}
# No auth penalty: a failed login (the wrong-password test) must not delay later logins from 127.0.0.1.
service anvil {
${chroot}  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${ports.lmtp}
  }
}
`;
}

async function startOnce(options: DovecotOptions, dir: string): Promise<DovecotServer> {
  const who = identity();
  const ports = { imaps: await closedTcpPort(), imap: await closedTcpPort(), lmtp: await closedTcpPort() };
  writeFileSync(join(dir, 'dovecot.conf'), config(dir, who, ports, options.hostname ?? 'mx.acme.test'));
  const logPath = join(dir, 'dovecot.log');
  writeFileSync(logPath, '');
  const child: ChildProcess = spawn(DOVECOT_BINARY, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => (exited = true));
  // A test process that dies must not leave Dovecot holding ports.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const log = () => `${output}${existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''}`;

  const close = async () => {
    process.off('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    }
  };

  const started = Date.now();
  for (;;) {
    if (exited) throw new Error(`Dovecot exited during start-up:\n${log()}`);
    if ((await canConnect(ports.imaps)) && (await canConnect(ports.imap)) && (await canConnect(ports.lmtp))) break;
    if (Date.now() - started > 15_000) {
      await close();
      throw new Error(`Dovecot did not listen within 15 s:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { host: '127.0.0.1', imapsPort: ports.imaps, imapPort: ports.imap, lmtpPort: ports.lmtp, log, close };
}

export async function startDovecot(options: DovecotOptions): Promise<DovecotServer> {
  const reason = dovecotUnavailable();
  if (reason !== null) throw new Error(reason);
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-dovecot-'));
  const who = identity();
  // The mail and login users must reach their files inside the temp directory.
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'home', 'tls']) mkdirSync(join(dir, sub), { mode: 0o755 });
  writeFileSync(join(dir, 'tls', 'cert.pem'), options.certificate.cert);
  writeFileSync(join(dir, 'tls', 'key.pem'), options.certificate.key, { mode: 0o600 });
  writeFileSync(join(dir, 'passwd'), options.users.map((u) => `${u.username}:{PLAIN}${u.password}::::::\n`).join(''), { mode: 0o640 });
  if (process.getuid?.() === 0) {
    chownSync(join(dir, 'home'), who.uid, who.gid);
    chownSync(join(dir, 'passwd'), 0, who.gid);
  }
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const server = await startOnce(options, dir);
      return {
        ...server,
        close: async () => {
          await server.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Another process may have taken a port between picking and binding it: pick again.
      lastError = error;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
