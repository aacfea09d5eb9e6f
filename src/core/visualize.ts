/**
 * Task graph pictures: DOT text for any graph, rendered to SVG by Graphviz compiled to
 * WebAssembly (no system install), and to PNG by resvg. One node per task: tasks are
 * ellipses named by function, literal data are boxes, requested outputs are bold.
 */
import { DataNode, type Graph, keyName, Task } from './graph.js';

export interface RenderOptions {
  format: 'svg' | 'png' | 'dot';
  rankdir: 'TB' | 'LR' | 'BT' | 'RL';
  outputs?: readonly string[];
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function label(key: string, node: Task | DataNode): string {
  if (node instanceof DataNode) return keyName(key);
  if (node.chain.length > 0) return node.chain.map((s) => keyName(s.key)).join('\n→ ');
  return keyName(key);
}

export function toDot(graph: Graph, opts: Pick<RenderOptions, 'rankdir' | 'outputs'> = { rankdir: 'BT' }): string {
  const outputs = new Set(opts.outputs ?? []);
  const ids = new Map<string, string>();
  let n = 0;
  for (const k of graph.keys()) ids.set(k, `n${n++}`);
  const lines = ['digraph tsdask {', `  graph [rankdir=${opts.rankdir}];`, '  node [fontname="Helvetica", fontsize=11];'];
  for (const [key, node] of graph) {
    const shape = node instanceof DataNode ? 'box' : 'ellipse';
    const style = outputs.has(key) ? ', style=bold, penwidth=2' : '';
    lines.push(`  ${ids.get(key)} [label=${quote(label(key, node))}, tooltip=${quote(key)}, shape=${shape}${style}];`);
  }
  for (const [key, node] of graph) {
    if (!(node instanceof Task)) continue;
    for (const d of node.deps) {
      const from = ids.get(d);
      if (from !== undefined) lines.push(`  ${from} -> ${ids.get(key)};`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}

type VizInstance = { renderString(dot: string, o: { format: string; engine?: string }): string };
let viz: Promise<VizInstance> | undefined;

async function loadViz(): Promise<VizInstance> {
  viz ??= import('@viz-js/viz').then((m) => m.instance() as Promise<VizInstance>);
  return viz;
}

export async function dotToSvg(dot: string): Promise<string> {
  return (await loadViz()).renderString(dot, { format: 'svg', engine: 'dot' });
}

export async function svgToPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 1.5 } }).render().asPng();
}

/** Text to return (SVG or DOT; for PNG, the SVG) and bytes to write when they differ. */
export async function renderGraph(graph: Graph, opts: RenderOptions): Promise<{ text: string; bytes?: Uint8Array }> {
  const dot = toDot(graph, opts);
  if (opts.format === 'dot') return { text: dot };
  const svg = await dotToSvg(dot);
  if (opts.format === 'svg') return { text: svg };
  return { text: svg, bytes: await svgToPng(svg) };
}
