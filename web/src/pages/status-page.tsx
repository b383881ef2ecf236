import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Chart } from '../components/chart.js';
import { ErrorNote } from '../components/error-note.js';
import { StoreProcessFacts } from '../components/store-process-facts.js';
import type { MetricsHistory, MetricsSample, StatusBody } from '../types.js';
import { mebibytes, STATE_WORDS, when } from '../words.js';

const REFRESH_MS = 5_000;

export function StatusPage() {
  const [status, setStatus] = useState<StatusBody | null>(null);
  const [samples, setSamples] = useState<MetricsSample[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    // Each refresh says how it went: its error note goes once both answers arrive again (the
    // database back after an outage), and what did arrive is shown meanwhile.
    const load = async () => {
      const [current, history] = await Promise.allSettled([
        api<StatusBody>('GET', '/api/status'),
        api<MetricsHistory>('GET', '/api/status/history?limit=360'),
      ]);
      if (current.status === 'fulfilled') setStatus(current.value);
      if (history.status === 'fulfilled') setSamples(history.value.items);
      const failed = [current, history].find((r) => r.status === 'rejected');
      setError(failed ? failed.reason : null);
    };
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const times = samples.map((s) => Date.parse(s.at) / 1000);
  const byState = status?.server?.workers.byState ?? status?.accounts.byState ?? {};

  return (
    <section aria-labelledby="status-title">
      <h1 id="status-title">Server status</h1>
      <ErrorNote error={error} />
      {status && (
        <dl class="facts">
          <div><dt>Version</dt><dd>{status.version}</dd></div>
          <div><dt>Up for</dt><dd>{Math.round(status.uptimeSeconds / 60)} min</dd></div>
          <div><dt>Server memory</dt><dd>{mebibytes(status.memory.rss)}</dd></div>
          {status.server && (
            <>
              <div><dt>Events / s</dt><dd>{status.server.rates.eventsPerSec.toFixed(1)}</dd></div>
              <div><dt>Deliveries / s</dt><dd>{status.server.rates.deliveriesPerSec.toFixed(1)}</dd></div>
            </>
          )}
        </dl>
      )}
      {status?.server?.embeddedStore && <StoreProcessFacts store={status.server.embeddedStore} />}
      <h2>Workers by state</h2>
      <table class="states">
        <tbody>
          {Object.entries(byState).map(([state, count]) => (
            <tr key={state}><th scope="row">{STATE_WORDS[state] ?? state}</th><td>{count}</td></tr>
          ))}
        </tbody>
      </table>
      {status?.nodes && (
        <>
          <h2>Nodes</h2>
          <table class="nodes">
            <thead><tr><th scope="col">Node</th><th scope="col">Accounts</th><th scope="col">Last heartbeat</th><th scope="col">Version</th></tr></thead>
            <tbody>
              {status.nodes.map((n) => (
                <tr key={n.id}><td>{n.id}</td><td>{n.accounts}</td><td>{when(n.heartbeatAt)}</td><td>{n.version}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <div class="charts">
        <Chart
          title="Memory (MiB)"
          unit="MiB"
          times={times}
          series={[
            { label: 'server', color: '#1f6feb', values: samples.map((s) => s.process.rss / 1048576) },
            { label: 'workers', color: '#b35900', values: samples.map((s) => s.workers.rssTotal / 1048576) },
          ]}
        />
        <Chart
          title="Events and deliveries per second"
          unit="/s"
          times={times}
          series={[
            { label: 'events', color: '#1a7f37', values: samples.map((s) => s.rates.eventsPerSec) },
            { label: 'deliveries', color: '#8250df', values: samples.map((s) => s.rates.deliveriesPerSec) },
          ]}
        />
        <Chart
          title="Workers"
          times={times}
          series={[
            { label: 'all', color: '#57606a', values: samples.map((s) => s.workers.total) },
            { label: 'ready', color: '#1a7f37', values: samples.map((s) => s.workers.byState.ready ?? 0) },
          ]}
        />
      </div>
    </section>
  );
}
