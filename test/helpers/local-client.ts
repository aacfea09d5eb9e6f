/** A LocalCluster and a Client of it, both closed when the test ends. */
import type { Test } from 'tap';
import { Client, LocalCluster, type LocalClusterOptions } from '../../src/index.js';

export interface LocalClient {
  cluster: LocalCluster;
  client: Client;
}

/** `quiet` silences console.warn for the test (memory tests make workers warn on purpose). */
export async function localClient(t: Test, opts: LocalClusterOptions, { quiet = false } = {}): Promise<LocalClient> {
  const cluster = await LocalCluster.start({ dashboardAddress: null, ...opts });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  if (quiet) {
    const warn = console.warn;
    console.warn = () => undefined;
    t.teardown(() => {
      console.warn = warn;
    });
  }
  return { cluster, client };
}
