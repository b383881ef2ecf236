import { parseArgs } from 'node:util';

/** Defaults of `npm run demo`, in one place. */
export const DEMO_DEFAULTS = {
  /** Accounts (bots) the demo runs. */
  accounts: 3,
  /** Most accounts `--accounts` accepts: each is a worker process of ~70 MB. */
  maxAccounts: 10,
  /** Average time between two presence changes in the fake Discord. */
  presenceIntervalMs: 1_000,
  /** How often the history routes are read for new entries. */
  pollIntervalMs: 500,
  /** History entries are re-read this far back, so a late batch write is not missed. */
  pollOverlapMs: 10_000,
  /** Longest wait for a child process to say it listens. */
  startTimeoutMs: 60_000,
  /** Longest wait for every account to reach `ready`. */
  readyTimeoutMs: 90_000,
  /** After the last presence change, wait this long for its deliveries before stopping. */
  settleMs: 2_000,
  /** SIGKILL the server if it has not exited this long after SIGTERM (its own grace is 20 s). */
  serverStopTimeoutMs: 30_000,
  /** Same, for the fake Discord (its grace is 5 s). */
  fakeStopTimeoutMs: 10_000,
} as const satisfies Record<string, number>;

export interface DemoOptions {
  /** Seconds of presence changes once every account is ready; undefined = until Ctrl-C. */
  durationSeconds: number | undefined;
  /** @defaultValue DEMO_DEFAULTS.accounts */
  accounts: number;
  /** Also print the server's warnings. @defaultValue false */
  verbose: boolean;
  help: boolean;
}

export const DEMO_USAGE = `usage: npm run demo -- [--duration S] [--accounts N] [--verbose]

  --duration S   stop by itself after S seconds of presence changes (default: until Ctrl-C)
  --accounts N   bot accounts to run, 1 to ${DEMO_DEFAULTS.maxAccounts} (default ${DEMO_DEFAULTS.accounts})
  --verbose      also print the server's warnings
`;

export class DemoUsageError extends Error {
  override name = 'DemoUsageError';
}

function positiveNumber(name: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new DemoUsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
  }
  return value;
}

/** Parses the command line; throws DemoUsageError with a readable message. */
export function parseDemoOptions(argv: string[]): DemoOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new DemoUsageError((err as Error).message);
  }
  const accounts = positiveNumber('accounts', values.accounts, true) ?? DEMO_DEFAULTS.accounts;
  if (accounts > DEMO_DEFAULTS.maxAccounts) {
    throw new DemoUsageError(`--accounts must be at most ${DEMO_DEFAULTS.maxAccounts}, got ${accounts}`);
  }
  return {
    durationSeconds: positiveNumber('duration', values.duration, false),
    accounts,
    verbose: values.verbose ?? false,
    help: values.help ?? false,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      duration: { type: 'string' },
      accounts: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
