#!/usr/bin/env node
/**
 * The `relayproof` executable (built as CommonJS to out/main/relayproof.cjs, the package's
 * `bin`; the ES-module CLI is out/main/cli.js). Node starts a CommonJS file ~7 ms sooner
 * than an ES module, whose loader it first has to set up: `relayproof check` asks the head
 * of its SPF chain here, before that, and the rest of the CLI loads while the answer is on
 * its way (check-early-question.ts decides whether to ask; run.ts takes the question over).
 * Every other command goes straight on to the ES-module CLI.
 */
import { handOver } from './early-handover';
import { SECRET_OPTIONS } from './secret-options';

/** The ES-module CLI beside this file (a test build names it differently). */
declare const __RELAYPROOF_CLI_MAIN__: string;

const startCli = () => {
  import(__RELAYPROOF_CLI_MAIN__).catch((error: unknown) => {
    // A damaged install: said in one line, as cli.ts says an unexpected failure.
    process.stderr.write(`Relayproof could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
};
const args = process.argv.slice(2);

if (args[0] === 'check' && !args.some((a) => SECRET_OPTIONS.test(a))) {
  void import('./check-early-question').then(
    ({ askEarlyCheckQuestion }) => {
      try {
        handOver(askEarlyCheckQuestion(args.slice(1)));
      } catch {
        // Nothing handed over: run.ts asks (and reports a failure) as without the starter.
      }
      // The datagram has left (inside send: its socket binds without a lookup); the CLI
      // starts in the next turn, after anything the socket has to do at once.
      setImmediate(startCli);
    },
    () => startCli(),
  );
} else {
  startCli();
}
