// @ts-check
/**
 * Errors the kit reports: what went wrong, on which host or resource, and what to do about it.
 * A script's `main` runs inside `runMain`, which prints a DeployError as two short paragraphs
 * (no stack trace) and exits 1; anything else is a bug and keeps its stack.
 */

export class DeployError extends Error {
  /**
   * @param {string} message what went wrong, naming the host, file or resource
   * @param {{ fix?: string, cause?: unknown }} [opts] fix: what the user should do
   */
  constructor(message, opts = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DeployError';
    /** @type {string | undefined} */
    this.fix = opts.fix;
  }
}

/** @param {unknown} e */
export function messageOf(e) {
  return e instanceof Error ? e.message : String(e);
}

/** @param {unknown} e */
export function formatError(e) {
  if (e instanceof DeployError) return `error: ${e.message}${e.fix ? `\n  what to do: ${e.fix}` : ''}`;
  return `unexpected error (a bug in the deploy kit, please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
}

/**
 * Run a script's main function: its resolved number is the exit code.
 * @param {() => Promise<number | void>} main
 */
export function runMain(main) {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (e) => {
      console.error(formatError(e));
      process.exitCode = 1;
    },
  );
}
