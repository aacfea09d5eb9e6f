/**
 * `tsdask <command>`: `demo` (what `npm start` runs), and the cluster commands
 * `scheduler`, `worker`, `ssh`, implemented by the distributed package.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const USAGE = `usage: tsdask <command> [options]

commands:
  demo                         generate a small dataset, start a local cluster, run the seed analysis
  scheduler [--host H] [--port 8786] [--dashboard-address :8787] [--token-file F]
  worker tcp://HOST:8786 [--nworkers N] [--nthreads N] [--memory-limit 2GB] [--token-file F]
  ssh --hostfile hosts.txt [--nworkers N] [--nthreads N]    (see tsdask ssh --help)
  version
`;

export function version(): string {
  return (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'demo':
      return (await import('./demo.js')).demo(rest);
    case 'scheduler':
    case 'worker':
    case 'ssh': {
      let cli: { main(argv: string[]): Promise<number | void> };
      try {
        const path = '../distributed/cli.js'; // resolved at run time: optional in partial builds
        cli = (await import(path)) as typeof cli;
      } catch (e) {
        throw new Error(`'tsdask ${cmd}' is not available in this build (${(e as Error).message})`, { cause: e });
      }
      return (await cli.main(argv)) ?? 0;
    }
    case 'version':
    case '--version':
    case '-v':
      console.log(version());
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`tsdask: unknown command '${cmd}'\n${USAGE}`);
      return 2;
  }
}
