// Types of peer.mjs. It stays plain ESM because the .mjs benches run it with bare `node`;
// the TypeScript benches (run with tsx) import it through these declarations.

/** The Python that runs the peers: $TSDASK_BENCH_PYTHON, else /usr/bin/python3. */
export declare const PYTHON: string;

/** Whether the Debian Python has the modules a peer needs. */
export declare function hasPython(modules: readonly string[]): boolean;

/**
 * Run a Python peer script and return the JSON object it prints on its last stdout line.
 * `unknown`: its shape is whatever that script writes; the caller states it.
 */
export declare function runPython(script: string, args?: ReadonlyArray<string | number>, options?: { timeoutMs?: number }): unknown;

/** Print a table: a header row, then rows of [label, ...cells]. */
export declare function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): void;

/** `x` with `digits` decimals, or 'n/a' for undefined / NaN. */
export declare const fmt: (x: number | undefined, digits?: number) => string;
