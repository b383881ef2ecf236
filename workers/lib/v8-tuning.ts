import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at its initial size. The entry point imports this first, so it
 * applies before discord.js allocates anything.
 *
 * Start-up allocates megabytes that live as long as the process (modules, the client); V8 reads
 * that survival rate as a reason to grow each semi-space from 1 to 8–16 MiB, pages an idle
 * worker then keeps for good (2–3 MiB per worker in a small side-by-side sample). The price is
 * more (cheap) scavenges while starting. `--max-semi-space-size` would do the same, but only on
 * the command line; this flag is read whenever the young generation would grow, so setting it
 * late is safe.
 *
 * Not here: `--single-threaded`, which also helps (see docs/performance.md), crashes V8 when set
 * after start-up (a CHECK in the GC's concurrent marking). It belongs in the fork's `execArgv`.
 */
setFlagsFromString('--semi-space-growth-factor=1');
