/**
 * Which script defined a function: its URL and whether it is an ES module. Node keeps no
 * public table of loaded ES modules (CommonJS has `require.cache`), so the answer comes from
 * V8's inspector, in process and synchronously: the function's `[[FunctionLocation]]` names
 * its script, and the debugger's script list maps that to a URL. The list is read once and
 * again only when a function comes from a script loaded since: enabling the debugger costs
 * tens of milliseconds, so this runs only for functions that cannot travel as source text.
 */
import type { Session } from 'node:inspector';

interface ScriptInfo {
  /** file:///..., node:..., or '' for evaluated code. */
  url: string;
  isModule: boolean;
}

export interface FunctionOrigin extends ScriptInfo {
  scriptId: string;
  /** Where V8 places the function in its script (0-based): see esm-exports.ts. */
  line: number;
  column: number;
}

interface ScriptParsed {
  params: { scriptId: string; url: string; isModule?: boolean };
}

let session: Session | undefined | null;
const scripts = new Map<string, ScriptInfo>();
const sources = new Map<string, string>();
const PROBE = Symbol.for('tsdask.functionOriginProbe');

function open(): Session | undefined {
  if (session === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use only: most programs never need it, and a Node built without the inspector lacks it
      const { Session: S } = require('node:inspector') as typeof import('node:inspector');
      const s = new S();
      s.connect();
      s.on('Debugger.scriptParsed', (ev: ScriptParsed) => {
        scripts.set(ev.params.scriptId, { url: ev.params.url, isModule: ev.params.isModule === true });
      });
      session = s;
    } catch {
      session = null;
    }
  }
  return session ?? undefined;
}

/** An in-process inspector call; its reply arrives before `post` returns. */
function post(s: Session, method: string, params: object = {}): unknown {
  let reply: unknown;
  let failure: Error | null | undefined;
  let done = false;
  s.post(method, params, (err: Error | null, r?: object) => {
    failure = err;
    reply = r;
    done = true;
  });
  if (!done) throw new Error(`inspector ${method} did not answer synchronously`);
  if (failure) throw failure;
  return reply;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object';
}

interface Location {
  scriptId: string;
  line: number;
  column: number;
}

function location(props: unknown): Location | undefined {
  if (!isRecord(props) || !Array.isArray(props.internalProperties)) return undefined;
  for (const p of props.internalProperties as unknown[]) {
    if (!isRecord(p) || p.name !== '[[FunctionLocation]]' || !isRecord(p.value) || !isRecord(p.value.value)) continue;
    const { scriptId, lineNumber, columnNumber } = p.value.value;
    if (typeof scriptId !== 'string' || typeof lineNumber !== 'number' || typeof columnNumber !== 'number') return undefined;
    return { scriptId, line: lineNumber, column: columnNumber };
  }
  return undefined;
}

/** Run `f` with the debugger enabled (which also reports every script loaded so far). */
function withDebugger<T>(s: Session, f: () => T): T | undefined {
  try {
    post(s, 'Debugger.enable');
  } catch {
    return undefined;
  }
  try {
    return f();
  } catch {
    return undefined;
  } finally {
    try {
      post(s, 'Debugger.disable');
    } catch {
      // already off
    }
  }
}

/** The script that defined `fn`, or undefined (a native function, no inspector). */
export function functionOrigin(fn: (...args: never[]) => unknown): FunctionOrigin | undefined {
  const s = open();
  if (s === undefined) return undefined;
  const g = globalThis as Record<symbol, unknown>;
  let loc: Location | undefined;
  try {
    g[PROBE] = fn;
    const evaluated = post(s, 'Runtime.evaluate', { expression: 'globalThis[Symbol.for("tsdask.functionOriginProbe")]', objectGroup: 'tsdask' });
    const objectId = isRecord(evaluated) && isRecord(evaluated.result) ? evaluated.result.objectId : undefined;
    if (typeof objectId !== 'string') return undefined;
    loc = location(post(s, 'Runtime.getProperties', { objectId, ownProperties: true }));
  } catch {
    return undefined;
  } finally {
    delete g[PROBE];
    try {
      post(s, 'Runtime.releaseObjectGroup', { objectGroup: 'tsdask' });
    } catch {
      // nothing was held
    }
  }
  if (loc === undefined) return undefined;
  // Enabling reports every script loaded so far; the listener above records them.
  if (!scripts.has(loc.scriptId)) withDebugger(s, () => undefined);
  const info = scripts.get(loc.scriptId);
  return info === undefined ? undefined : { ...info, ...loc };
}

/** The text V8 runs for a script (after any loader's compilation), or undefined. */
export function scriptSource(scriptId: string): string | undefined {
  const cached = sources.get(scriptId);
  if (cached !== undefined) return cached;
  const s = open();
  if (s === undefined) return undefined;
  const reply = withDebugger(s, () => post(s, 'Debugger.getScriptSource', { scriptId }));
  const text = isRecord(reply) && typeof reply.scriptSource === 'string' ? reply.scriptSource : undefined;
  if (text !== undefined) {
    if (sources.size >= 64) sources.delete(sources.keys().next().value as string);
    sources.set(scriptId, text);
  }
  return text;
}
