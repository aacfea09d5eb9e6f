/** An error from a compute: its class and message, the task that raised it, and the (remote) stack. */
import { escapeHtml } from './html.js';

/** The key of the task that raised, when the scheduler recorded it. */
function taskKeyOf(e: Error): string | undefined {
  const key: unknown = Reflect.get(e, 'taskKey');
  return typeof key === 'string' ? key : undefined;
}

export function errorHtml(e: Error): string {
  const key = taskKeyOf(e);
  const remote = typeof e.stack === 'string' && e.stack.includes('(raised on a tsdask worker)');
  const task = key === undefined ? '' : `<p class="tsdask-error-task">in task <code>${escapeHtml(key)}</code>${remote ? ' on a worker' : ''}</p>`;
  const stack =
    typeof e.stack === 'string' ? `<details open><summary>${remote ? 'remote stack' : 'stack'}</summary><pre>${escapeHtml(e.stack)}</pre></details>` : '';
  return `<div class="tsdask-error" style="border-left:4px solid #c33;padding-left:8px"><p style="white-space:pre-wrap"><strong>${escapeHtml(e.name)}</strong>: ${escapeHtml(e.message)}</p>${task}${stack}</div>`;
}
