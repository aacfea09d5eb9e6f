/** The functions tasks call, by id: specs arrive once from the scheduler; module specs resolve to uploaded copies. */
import { basename } from 'node:path';
import { type FnSpec, resolveFunction } from '../../core/functions.js';
import type { TaskFn } from '../../core/graph.js';

export class FunctionTable {
  readonly specs = new Map<string, FnSpec>();

  constructor(
    /** Uploaded module file name -> path of its copy here. */
    private readonly uploads: ReadonlyMap<string, string>,
  ) {}

  readonly resolve = (id: string): TaskFn => {
    const spec = this.specs.get(id);
    if (spec === undefined) throw new Error(`function ${id} was never sent to this worker (protocol bug)`);
    if (spec.kind === 'module') {
      const uploaded = this.uploads.get(basename(spec.path));
      if (uploaded !== undefined) return resolveFunction({ ...spec, path: uploaded });
    }
    return resolveFunction(spec);
  };
}
