/** The graph page: the current task graph, laid out once per submission and coloured by state live. */
import { GRAPH_JS } from '../client/graph.js';
import { layout } from './layout.js';

export function graphPage(): string {
  const body = `<main><section class="wide"><h2>Task graph <span id="mode" class="muted"></span></h2><div id="legend"></div><canvas id="graph"></canvas></section></main>`;
  const script = `${GRAPH_JS}
let shape = null, lay = null;
live('page=graph', (m) => {
  if (m.type === 'shape') { shape = m.shape; lay = layoutGraph(shape); el('mode').textContent = shape.mode === 'tasks' ? '(' + shape.tasks + ' tasks)' : '(' + shape.tasks + ' tasks in ' + shape.nodes.length + ' groups)'; }
  else if (m.type === 'states' && shape) drawGraph(el('graph'), shape, lay, m.states);
});`;
  return layout('tsdask graph', 'graph', body, script);
}
