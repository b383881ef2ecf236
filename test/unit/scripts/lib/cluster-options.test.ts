import { describe, expect, it } from 'vitest';
import { CLUSTER_DEFAULTS, ClusterUsageError, parseClusterOptions } from '../../../../scripts/lib/cluster-options.js';

describe('parseClusterOptions', () => {
  it('runs three nodes from port 3000 on ./data without arguments', () => {
    expect(parseClusterOptions([])).toEqual({
      nodes: 3,
      firstPort: 3000,
      dbPort: 0,
      dataDir: './data',
      skipBuild: false,
      verbose: false,
      help: false,
    });
  });

  it('reads every option', () => {
    expect(
      parseClusterOptions(['--nodes', '5', '--port', '4000', '--db-port', '27018', '--data-dir', '/tmp/x', '--skip-build', '--verbose']),
    ).toEqual({ nodes: 5, firstPort: 4000, dbPort: 27018, dataDir: '/tmp/x', skipBuild: true, verbose: true, help: false });
  });

  it('refuses zero nodes, too many nodes and fractions', () => {
    expect(() => parseClusterOptions(['--nodes', '0'])).toThrow(/--nodes must be an integer from 1/);
    expect(() => parseClusterOptions(['--nodes', String(CLUSTER_DEFAULTS.maxNodes + 1)])).toThrow(ClusterUsageError);
    expect(() => parseClusterOptions(['--nodes', '1.5'])).toThrow(ClusterUsageError);
  });

  it('refuses a first port whose last node would not fit below 65536', () => {
    expect(() => parseClusterOptions(['--nodes', '3', '--port', '65534'])).toThrow(/--port must be an integer from 1 to 65533/);
  });

  it('refuses an unknown option with a usage error', () => {
    expect(() => parseClusterOptions(['--node', '2'])).toThrow(ClusterUsageError);
  });
});
