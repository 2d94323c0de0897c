/** Options that would put a secret in argv, where `ps` shows it to every user (refused by run.ts; the starter asks nothing for them). */
export const SECRET_OPTIONS = /^--?(password|pass|secret|token|api-key|client-secret)(=|$)/iu;
