// `npm run bench`: every benchmark in e2e/bench, printing ratios against baselines
// measured in the same run. Installs Debian's comparison tools (swaks, spfquery from
// spf-tools-perl, which runs libmail-spf-perl; GNU time for peak memory) when
// run as root and they are missing.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const works = (probe) => spawnSync('sh', ['-c', probe], { stdio: 'ignore' }).status === 0;
const wanted = [
  ['command -v swaks', 'swaks'],
  ['command -v spfquery', 'spf-tools-perl'],
  ['command -v openssl', 'openssl'],
  // swaks needs Net::SSLeay for --tls.
  ['perl -MNet::SSLeay -e1', 'libnet-ssleay-perl'],
  // GNU time reports a whole process's peak RSS (cli-process.bench-run.ts).
  ['test -x /usr/bin/time', 'time'],
].filter(([probe]) => !works(probe));
if (wanted.length > 0 && process.getuid?.() === 0) {
  spawnSync('sh', ['-c', `apt-get update -qq && apt-get install -y -qq --no-install-recommends ${wanted.map(([, pkg]) => pkg).join(' ')}`], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} else if (wanted.length > 0) {
  console.log(`Comparison tools missing (${wanted.map(([, p]) => p).join(', ')}); those ratios will be skipped. Install: sudo apt-get install ${wanted.map(([, p]) => p).join(' ')}`);
}
const result = spawnSync(join(root, 'node_modules', '.bin', 'vitest'), ['run', '--config', 'e2e/bench/vitest.config.ts', '--reporter=verbose', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
