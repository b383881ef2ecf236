import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { EnvSchema } from '../../../src/config/env-schema.js';

// No container engine or cluster runs here: what can be checked is that the deployment files
// parse, set only settings the server reads, and keep the timings the hand-off needs.

const DEPLOY = resolve(import.meta.dirname, '../../../deploy');
const KNOWN = new Set(Object.keys(EnvSchema.properties));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML: the assertions check its shape
type Doc = Record<string, any>;

function load(file: string): Doc[] {
  return parseAllDocuments(readFileSync(file, 'utf8'), { merge: true }).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return doc.toJS() as Doc;
  });
}

const compose = load(join(DEPLOY, 'docker-compose.yml'))[0] as Doc;
const k8s = readdirSync(join(DEPLOY, 'kubernetes'))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => load(join(DEPLOY, 'kubernetes', f)));
const kind = (name: string) => k8s.find((d) => d.kind === name) as Doc;

describe('deploy/docker-compose.yml', () => {
  it('runs three server replicas on a three-member replica set', () => {
    expect(compose.services.server.deploy.replicas).toBe(3);
    const mongos = Object.keys(compose.services).filter((name) => name.startsWith('mongo'));
    expect(mongos).toHaveLength(3);
    const initiate = compose.services.mongo1.healthcheck.test.join(' ');
    for (const name of mongos) expect(initiate).toContain(`${name}:27017`);
    expect(compose.services.server.environment.MONGODB_URI).toBe(`mongodb://${mongos.map((m) => `${m}:27017`).join(',')}/discord-auto-content?replicaSet=rs0`);
  });

  it('sets only variables the server reads', () => {
    for (const service of Object.values<Doc>(compose.services)) {
      if (service.build === undefined) continue;
      expect(Object.keys(service.environment).filter((name) => !KNOWN.has(name))).toEqual([]);
    }
  });

  it('gives a stopping node longer than its own 20 s shutdown limit', () => {
    expect(Number.parseInt(compose.services.server.stop_grace_period, 10)).toBeGreaterThan(20);
  });
});

describe('deploy/kubernetes', () => {
  const deployment = kind('Deployment');
  const container = deployment.spec.template.spec.containers[0];

  it('has a Deployment, a Service, a PodDisruptionBudget and a Secret, all listed in the kustomization', () => {
    const kustomization = kind('Kustomization');
    expect(kustomization.resources).toHaveLength(4);
    for (const name of ['Deployment', 'Service', 'PodDisruptionBudget', 'Secret']) expect(kind(name), name).toBeDefined();
  });

  it('sets only variables the server reads, directly or from the Secret', () => {
    const names = [...container.env.map((e: Doc) => e.name), ...Object.keys(kind('Secret').stringData)];
    expect(names.filter((name) => !KNOWN.has(name))).toEqual([]);
    expect(container.envFrom[0].secretRef.name).toBe(kind('Secret').metadata.name);
  });

  it('probes readiness and liveness on /api/health', () => {
    expect(container.readinessProbe.httpGet.path).toBe('/api/health');
    expect(container.livenessProbe.httpGet.path).toBe('/api/health');
  });

  it('lets the preStop and the graceful hand-off finish before the grace period ends', () => {
    const preStop = Number(container.lifecycle.preStop.exec.command[1]);
    expect(preStop).toBeGreaterThan(0);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(preStop + 20);
  });

  it('disrupts one node at a time, selecting the Deployment\'s pods', () => {
    const pdb = kind('PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(kind('Service').spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });
});
