/**
 * The export name of the function written at a given place of an ES module's source: which
 * `export` makes the function that starts at (line, column) reachable, e.g. `export function
 * f`, `export const f = () => ...`, `export { local as f }`, `export default function`.
 * Positions are V8's function positions (0-based line and column): a function's parameter
 * list for functions and methods, the start of an arrow function. Reading the source, rather
 * than loading the module to compare its exports, leaves the module untouched: loading it
 * again could run it twice where a loader compiles ES modules to CommonJS (tsx).
 */
import { parse } from 'acorn';

interface AnyNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

function isNode(x: unknown): x is AnyNode {
  return x !== null && typeof x === 'object' && typeof (x as { type?: unknown }).type === 'string';
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Where V8 says a function starts: the arrow itself, else the '(' of its parameters. */
function v8Start(fn: AnyNode, source: string): number {
  if (fn.type === 'ArrowFunctionExpression') return fn.start;
  const id = fn.id;
  const from = isNode(id) ? id.end : fn.start;
  const params = fn.params as AnyNode[];
  const to = params.length > 0 ? params[0].start : fn.end;
  const paren = source.indexOf('(', from);
  return paren >= 0 && paren <= to ? paren : -1;
}

function offsetOf(source: string, line: number, column: number): number {
  let at = 0;
  for (let l = 0; l < line; l++) {
    const nl = source.indexOf('\n', at);
    if (nl < 0) return -1;
    at = nl + 1;
  }
  return at + column;
}

/** The module-level name bound to a function node: `function f`, `const f = ...`; 'default' for `export default function`. */
function bindings(body: readonly AnyNode[], source: string, target: number): string | undefined {
  const hit = (n: unknown): boolean => isNode(n) && FUNCTIONS.has(n.type) && v8Start(n, source) === target;
  const fromDeclaration = (d: unknown): string | undefined => {
    if (!isNode(d)) return undefined;
    if (d.type === 'FunctionDeclaration' && hit(d) && isNode(d.id)) return d.id.name as string;
    if (d.type === 'VariableDeclaration') {
      for (const v of d.declarations as AnyNode[]) if (isNode(v.id) && v.id.type === 'Identifier' && hit(v.init)) return v.id.name as string;
    }
    return undefined;
  };
  for (const stmt of body) {
    const local = fromDeclaration(stmt.type === 'ExportNamedDeclaration' ? stmt.declaration : stmt);
    if (local !== undefined) return local;
    if (stmt.type === 'ExportDefaultDeclaration') {
      const d = stmt.declaration;
      if (hit(d)) return isNode(d) && isNode(d.id) ? (d.id.name as string) : '*default*';
    }
  }
  return undefined;
}

/** Export names under which each module-level name is exported. */
function exportsOf(body: readonly AnyNode[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (local: string, exported: string) => {
    const list = out.get(local);
    if (list === undefined) out.set(local, [exported]);
    else list.push(exported);
  };
  const nameOf = (n: unknown): string | undefined =>
    isNode(n) ? (typeof n.name === 'string' ? n.name : typeof n.value === 'string' ? n.value : undefined) : undefined;
  for (const stmt of body) {
    if (stmt.type === 'ExportNamedDeclaration') {
      if (stmt.source !== null && stmt.source !== undefined) continue; // a re-export of another module
      const d = stmt.declaration;
      if (isNode(d)) {
        if (d.type === 'FunctionDeclaration' && isNode(d.id)) add(d.id.name as string, d.id.name as string);
        if (d.type === 'VariableDeclaration')
          for (const v of d.declarations as AnyNode[]) if (isNode(v.id) && v.id.type === 'Identifier') add(v.id.name as string, v.id.name as string);
      }
      for (const s of (stmt.specifiers as AnyNode[] | undefined) ?? []) {
        const local = nameOf(s.local);
        const exported = nameOf(s.exported);
        if (local !== undefined && exported !== undefined) add(local, exported);
      }
    } else if (stmt.type === 'ExportDefaultDeclaration') {
      const d = stmt.declaration;
      if (isNode(d) && d.type === 'Identifier') add(d.name as string, 'default');
      else if (isNode(d) && isNode(d.id)) add(d.id.name as string, 'default');
      else add('*default*', 'default');
    }
  }
  return out;
}

/** The export name of the module-level function V8 places at (line, column) of `source`, if one is exported. */
export function exportNameAt(source: string, line: number, column: number): string | undefined {
  let program: unknown;
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
  } catch {
    return undefined;
  }
  if (!isNode(program)) return undefined;
  const body = program.body as AnyNode[];
  const target = offsetOf(source, line, column);
  if (target < 0) return undefined;
  const local = bindings(body, source, target);
  if (local === undefined) return undefined;
  return exportsOf(body).get(local)?.[0];
}
