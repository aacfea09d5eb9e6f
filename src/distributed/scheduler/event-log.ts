/** What the scheduler remembers for people: recent task runs, notable events, why workers died. */
import type { TaskEvent } from './tasks.js';

export class EventLog {
  /** Recent task runs for the dashboard's task stream. */
  readonly stream: TaskEvent[] = [];
  readonly log: { time: number; text: string }[] = [];
  /** Workers that died recently: name -> reason (reported to clients in errors). */
  readonly deaths = new Map<string, string>();
  tasksCompleted = 0;

  note(text: string): void {
    this.log.push({ time: Date.now(), text });
    if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
  }

  ran(event: TaskEvent): void {
    this.stream.push(event);
    if (this.stream.length > 2000) this.stream.splice(0, 1000);
  }
}
