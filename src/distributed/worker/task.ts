/** A task as a worker holds it, and the worker's line to the scheduler. */
import type { LoopTask } from '../../executor/run-loop.js';
import type { DepLocation, Payload, PayloadRef, WorkerToScheduler } from '../protocol/index.js';
import type { Resources } from '../resources.js';

/** A task assigned here; its run-loop state is WAITING while its inputs are being fetched. */
export interface WorkerTask extends LoopTask {
  spec: Payload;
  deps: readonly DepLocation[];
  /** Send the value along with `finished`. */
  ret: boolean;
  /** Suspected of killing workers: announced and run alone. */
  alone: boolean;
  /** Wall-clock start (ms), reported to the scheduler. */
  start: number;
  /** Worker resources it needs to run (null: none). */
  resources: Resources | null;
  /** Holds them from its start until its function really ends (even when cancelled). */
  holdsResources: boolean;
  /** The scheduler asked to run it although this worker is paused (every worker was). */
  forced: boolean;
}

/** What the parts of a worker send to the scheduler through (its connection, once connected). */
export interface SchedulerLink {
  send(msg: WorkerToScheduler): void;
  flush(): void;
  wire(p: Payload): PayloadRef;
}
