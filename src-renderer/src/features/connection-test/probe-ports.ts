/**
 * The ports `smtp:probe` tries by default (src-preload/contract/smtp-schemas.ts `defaultProbePorts`): 25
 * relay, 465 implicit TLS, 587 submission and the 2xxx alternatives providers open when
 * an ISP blocks the usual ones. Repeated here because importing a value from the
 * schemas would pull zod into the renderer; the renderer imports their types only.
 */
export const defaultProbePorts = [25, 465, 587, 2525, 2465, 2587] as const;
