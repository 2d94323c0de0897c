/**
 * The verification status of the saved addresses, over the engine in this folder: it
 * re-checks (DNS checklist + connection test with the stored secret), sends the
 * verification email and proves it on arrival, verifies a received message, and keeps
 * state and history in `verification/<addressId>.json` (status-store.ts). The channels
 * (rpc/verification-handlers.ts), the CLI and the background scheduler all come here.
 *
 * One service composed of three parts, each its own file: run coordination (status, one
 * run per address at a time, re-checks, the 72-hour window, the scheduler:
 * run-coordinator.ts), the verification email (send, receive, prove:
 * verification-email.ts), the report with its redaction (report-export.ts), and every
 * address at once (fleet-run.ts).
 */
import { createHostLimiter, type HostLimiter } from '../smtp/host-limiter';
import type { AddressStatusBatchOptions } from '../store/address-status-batch';
import { createFleetRuns, type FleetRuns } from './fleet-run';
import { createReportExport, type ReportExport, type ReportExportDeps } from './report-export';
import { createRunCoordinator, type RunCoordination, type RunCoordinatorDeps } from './run-coordinator';
import { createVerificationEmail, type VerificationEmail, type VerificationEmailDeps } from './verification-email';

export type VerificationServiceDeps = RunCoordinatorDeps &
  VerificationEmailDeps &
  ReportExportDeps & {
    /** When a fleet run writes its addresses' last tests (default: every 20 addresses or every second). */
    readonly fleetStatusBatch?: AddressStatusBatchOptions;
  };

export interface VerificationService extends RunCoordination, VerificationEmail, ReportExport, FleetRuns {}

export function createVerificationService(deps: VerificationServiceDeps): VerificationService {
  // One limiter for every re-check of this process: a fleet run, the scheduler and
  // "Re-check now" share each server's connections.
  const hostLimiter: HostLimiter = deps.hostLimiter ?? createHostLimiter();
  const runs = createRunCoordinator({ ...deps, hostLimiter });
  const fleet = createFleetRuns({ store: deps.store, runs, limiter: hostLimiter, smtpTest: deps.smtpTest, ...(deps.clock === undefined ? {} : { clock: deps.clock }), ...(deps.fleetStatusBatch === undefined ? {} : { statusBatch: deps.fleetStatusBatch }) });
  const email = createVerificationEmail(deps, runs);
  const reports = createReportExport(deps, runs);
  return {
    status: runs.status,
    recheck: runs.recheck,
    checklist: runs.checklist,
    history: runs.history,
    reset: runs.reset,
    startScheduler: runs.startScheduler,
    stopScheduler: runs.stopScheduler,
    get schedulerRunning() {
      return runs.schedulerRunning;
    },
    onChange: runs.onChange,
    sendEmail: email.sendEmail,
    verifyRaw: email.verifyRaw,
    report: reports.report,
    recheckAll: fleet.recheckAll,
    fleetStatus: fleet.fleetStatus,
  };
}
