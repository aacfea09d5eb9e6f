/**
 * Free-variable analysis of a function's source text (acorn + a small scope-aware walker).
 * A function shipped by source is rebuilt on another thread or process from its text alone,
 * so every identifier it reads must be declared inside it or be a global that exists there.
 */
import { parse } from 'acorn';
import { runInNewContext } from 'node:vm';

interface AnyNode {
  type: string;
  [key: string]: unknown;
}

/** How a function's `toString()` must be wrapped to evaluate to the function itself. */
export type SourceForm = 'expression' | 'method';

export interface SourceAnalysis {
  form: SourceForm;
  /** Identifiers read but never declared inside, excluding globals, in first-seen order. */
  free: string[];
}

/** Node's module wrapper variables and Node/web globals present on every worker. */
const NODE_GLOBALS = [
  'require',
  'module',
  'exports',
  '__filename',
  '__dirname',
  '__name',
  'global',
  'globalThis',
  'process',
  'Buffer',
  'console',
  'performance',
  'navigator',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'queueMicrotask',
  'structuredClone',
  'atob',
  'btoa',
  'fetch',
  'crypto',
  'Crypto',
  'CryptoKey',
  'SubtleCrypto',
  'URL',
  'URLSearchParams',
  'TextEncoder',
  'TextDecoder',
  'TextEncoderStream',
  'TextDecoderStream',
  'AbortController',
  'AbortSignal',
  'Event',
  'EventTarget',
  'CustomEvent',
  'MessageChannel',
  'MessagePort',
  'MessageEvent',
  'BroadcastChannel',
  'Blob',
  'File',
  'FormData',
  'Headers',
  'Request',
  'Response',
  'DOMException',
  'ReadableStream',
  'WritableStream',
  'TransformStream',
  'ReadableStreamDefaultReader',
  'CompressionStream',
  'DecompressionStream',
  'ByteLengthQueuingStrategy',
  'CountQueuingStrategy',
  'WebSocket',
  'PerformanceEntry',
  'PerformanceMark',
  'PerformanceMeasure',
  'PerformanceObserver',
  'undefined',
  'NaN',
  'Infinity',
  'arguments',
];

let globalNames: Set<string> | undefined;

/** Names that resolve on a fresh worker: ECMAScript built-ins (from a new V8 context) plus Node's. */
export function workerGlobals(): ReadonlySet<string> {
  if (globalNames === undefined) {
    const builtins = runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[];
    globalNames = new Set([...builtins, ...NODE_GLOBALS]);
  }
  return globalNames;
}

class Scope {
  readonly names = new Set<string>();
  constructor(
    readonly parent: Scope | undefined,
    readonly isFunction: boolean,
  ) {}
  functionScope(): Scope {
    return this.isFunction || this.parent === undefined ? this : this.parent.functionScope();
  }
  has(name: string): boolean {
    return this.names.has(name) || (this.parent?.has(name) ?? false);
  }
}

const isNode = (x: unknown): x is AnyNode => x !== null && typeof x === 'object' && typeof (x as AnyNode).type === 'string';

class Walker {
  readonly refs: Array<[string, Scope]> = [];

  ref(name: string, scope: Scope): void {
    this.refs.push([name, scope]);
  }

  /** Declare the names bound by a pattern; default values and computed keys are read. */
  declare(p: AnyNode | null, into: Scope, readScope: Scope): void {
    if (p === null) return;
    switch (p.type) {
      case 'Identifier':
        into.names.add(p.name as string);
        return;
      case 'ObjectPattern':
        for (const prop of p.properties as AnyNode[]) {
          if (prop.type === 'RestElement') this.declare(prop.argument as AnyNode, into, readScope);
          else {
            if (prop.computed) this.visit(prop.key as AnyNode, readScope);
            this.declare(prop.value as AnyNode, into, readScope);
          }
        }
        return;
      case 'ArrayPattern':
        for (const el of p.elements as (AnyNode | null)[]) this.declare(el, into, readScope);
        return;
      case 'RestElement':
        this.declare(p.argument as AnyNode, into, readScope);
        return;
      case 'AssignmentPattern':
        this.declare(p.left as AnyNode, into, readScope);
        this.visit(p.right as AnyNode, readScope);
        return;
      default:
        // MemberExpression targets in for-in/of heads: plain reads.
        this.visit(p, readScope);
    }
  }

  /** Assignment targets (`a = 1`, `[a, b] = xs`, `for (a of xs)`): identifiers are references. */
  target(p: AnyNode, scope: Scope): void {
    switch (p.type) {
      case 'Identifier':
        this.ref(p.name as string, scope);
        return;
      case 'ObjectPattern':
        for (const prop of p.properties as AnyNode[]) {
          if (prop.type === 'RestElement') this.target(prop.argument as AnyNode, scope);
          else {
            if (prop.computed) this.visit(prop.key as AnyNode, scope);
            this.target(prop.value as AnyNode, scope);
          }
        }
        return;
      case 'ArrayPattern':
        for (const el of p.elements as (AnyNode | null)[]) if (el !== null) this.target(el, scope);
        return;
      case 'RestElement':
        this.target(p.argument as AnyNode, scope);
        return;
      case 'AssignmentPattern':
        this.target(p.left as AnyNode, scope);
        this.visit(p.right as AnyNode, scope);
        return;
      default:
        this.visit(p, scope);
    }
  }

  func(node: AnyNode, scope: Scope): void {
    const fnScope = new Scope(scope, node.type !== 'ArrowFunctionExpression');
    if (node.type === 'FunctionExpression' && isNode(node.id)) fnScope.names.add(node.id.name as string);
    if (node.type !== 'ArrowFunctionExpression') fnScope.names.add('arguments');
    for (const p of node.params as AnyNode[]) this.declare(p, fnScope, fnScope);
    const body = node.body as AnyNode;
    if (body.type === 'BlockStatement') this.statements(body.body as AnyNode[], fnScope);
    else this.visit(body, fnScope);
  }

  klass(node: AnyNode, scope: Scope): void {
    const classScope = new Scope(scope, false);
    if (isNode(node.id)) classScope.names.add(node.id.name as string);
    if (isNode(node.superClass)) this.visit(node.superClass, scope);
    for (const member of (node.body as AnyNode).body as AnyNode[]) {
      if (member.type === 'StaticBlock') {
        this.statements(member.body as AnyNode[], new Scope(classScope, true));
        continue;
      }
      if (member.computed) this.visit(member.key as AnyNode, classScope);
      if (isNode(member.value)) {
        // Field initializers run with their own `this`, like a method body.
        if (member.type === 'PropertyDefinition') this.visit(member.value, new Scope(classScope, true));
        else this.visit(member.value, classScope);
      }
    }
  }

  statements(list: AnyNode[], scope: Scope): void {
    for (const s of list) this.visit(s, scope);
  }

  visit(node: AnyNode | null | undefined, scope: Scope): void {
    if (!isNode(node)) return;
    switch (node.type) {
      case 'Identifier':
        this.ref(node.name as string, scope);
        return;
      case 'FunctionDeclaration':
        if (isNode(node.id)) {
          scope.names.add(node.id.name as string);
          scope.functionScope().names.add(node.id.name as string);
        }
        this.func(node, scope);
        return;
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.func(node, scope);
        return;
      case 'ClassDeclaration':
        if (isNode(node.id)) scope.names.add(node.id.name as string);
        this.klass(node, scope);
        return;
      case 'ClassExpression':
        this.klass(node, scope);
        return;
      case 'VariableDeclaration': {
        const into = node.kind === 'var' ? scope.functionScope() : scope;
        for (const d of node.declarations as AnyNode[]) {
          this.declare(d.id as AnyNode, into, scope);
          this.visit(d.init as AnyNode | null, scope);
        }
        return;
      }
      case 'BlockStatement':
        this.statements(node.body as AnyNode[], new Scope(scope, false));
        return;
      case 'StaticBlock':
        this.statements(node.body as AnyNode[], new Scope(scope, true));
        return;
      case 'ForStatement': {
        const s = new Scope(scope, false);
        this.visit(node.init as AnyNode | null, s);
        this.visit(node.test as AnyNode | null, s);
        this.visit(node.update as AnyNode | null, s);
        this.visit(node.body as AnyNode, s);
        return;
      }
      case 'ForInStatement':
      case 'ForOfStatement': {
        const s = new Scope(scope, false);
        const left = node.left as AnyNode;
        if (left.type === 'VariableDeclaration') this.visit(left, s);
        else this.target(left, s);
        this.visit(node.right as AnyNode, s);
        this.visit(node.body as AnyNode, s);
        return;
      }
      case 'SwitchStatement': {
        this.visit(node.discriminant as AnyNode, scope);
        const s = new Scope(scope, false);
        for (const c of node.cases as AnyNode[]) {
          this.visit(c.test as AnyNode | null, s);
          this.statements(c.consequent as AnyNode[], s);
        }
        return;
      }
      case 'CatchClause': {
        const s = new Scope(scope, false);
        this.declare(node.param as AnyNode | null, s, s);
        this.statements((node.body as AnyNode).body as AnyNode[], s);
        return;
      }
      case 'AssignmentExpression':
        this.target(node.left as AnyNode, scope);
        this.visit(node.right as AnyNode, scope);
        return;
      case 'MemberExpression':
        this.visit(node.object as AnyNode, scope);
        if (node.computed) this.visit(node.property as AnyNode, scope);
        return;
      case 'Property':
        if (node.computed) this.visit(node.key as AnyNode, scope);
        this.visit(node.value as AnyNode, scope);
        return;
      case 'LabeledStatement':
        this.visit(node.body as AnyNode, scope);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'MetaProperty':
      case 'Super':
      case 'PrivateIdentifier':
      case 'Literal':
      case 'ThisExpression':
      case 'TemplateElement':
        return;
      default:
        // Every other node: read all child nodes in this scope.
        for (const k in node) {
          if (k === 'type' || k === 'start' || k === 'end' || k === 'loc' || k === 'range') continue;
          const v = node[k];
          if (Array.isArray(v)) for (const item of v) this.visit(item as AnyNode, scope);
          else if (isNode(v)) this.visit(v, scope);
        }
    }
  }
}

function parseExpression(text: string): AnyNode | undefined {
  try {
    return parse(text, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: false }) as unknown as AnyNode;
  } catch {
    return undefined;
  }
}

/** Wrap source text so that evaluating it yields the function. */
export function wrapSource(source: string, form: SourceForm): string {
  return form === 'expression' ? `(${source}\n)` : `({${source}\n})`;
}

/**
 * Parse a function's `toString()` and list its free variables. Returns undefined when the
 * text is not a function expression, class, or method (e.g. native code).
 */
export function analyzeSource(source: string, globals: ReadonlySet<string> = workerGlobals()): SourceAnalysis | undefined {
  let form: SourceForm = 'expression';
  let program = parseExpression(wrapSource(source, form));
  const single = (p: AnyNode | undefined): AnyNode | undefined => {
    const body = p?.body as AnyNode[] | undefined;
    if (body === undefined || body.length !== 1 || body[0].type !== 'ExpressionStatement') return undefined;
    return body[0].expression as AnyNode;
  };
  let expr = single(program);
  const isFn = (e: AnyNode | undefined) =>
    e !== undefined && (e.type === 'FunctionExpression' || e.type === 'ArrowFunctionExpression' || e.type === 'ClassExpression');
  if (!isFn(expr)) {
    form = 'method';
    program = parseExpression(wrapSource(source, form));
    expr = single(program);
    const props = expr?.type === 'ObjectExpression' ? (expr.properties as AnyNode[]) : [];
    if (props.length !== 1 || props[0].type !== 'Property' || !isFn(props[0].value as AnyNode)) return undefined;
  }
  const w = new Walker();
  w.visit(expr, new Scope(undefined, true));
  const free: string[] = [];
  const seen = new Set<string>();
  for (const [name, scope] of w.refs) {
    if (seen.has(name) || scope.has(name) || globals.has(name)) continue;
    seen.add(name);
    free.push(name);
  }
  return { form, free };
}
