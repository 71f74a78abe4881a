import { mkdir, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceDefinition } from './source';
import { CONFIG_DIR_MODE, CONFIG_FILE_MODE } from '../app/config-dir';

/**
 * The bundled sample stamp: what a cloud recovery restores (deployment
 * identity, internal CA, resource-manager data, Key Vault, RBAC), as
 * deterministic sample data. It is the default component set when the
 * operator has defined no sources, so a fresh console takes a real backup.
 */
export const SAMPLE_COMPONENTS = ['identity', 'certificate-authority', 'resource-manager', 'keyvault', 'rbac'] as const;

const SAMPLE_VERSION = 2;

/** A small deterministic PRNG so the sample stamp is the same on every station. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

function guid(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function sampleFiles(): Record<string, Record<string, unknown>> {
  const next = prng(0x5eed);
  const tenants = ['contoso', 'fabrikam', 'woodgrove', 'adventure-works', 'northwind'];
  const subscriptions = tenants.flatMap((tenant, t) =>
    Array.from({ length: 4 }, (_, i) => ({
      subscriptionId: guid(next),
      displayName: `${tenant}-sub-${i + 1}`,
      tenant: `${tenant}.onmicrosoft.com`,
      offerId: `offer-${(t + i) % 3}`,
      state: 'Enabled',
    })),
  );
  const quotas = ['compute', 'storage', 'network'].map((kind, i) => ({
    name: `${kind}-standard`,
    kind,
    limits: { cores: 100 * (i + 1), vms: 50 * (i + 1), storageGiB: 2048 * (i + 1), publicIps: 20 * (i + 1) },
  }));
  const plans = ['basic', 'standard', 'premium'].map((tier, i) => ({
    planId: `plan-${tier}`,
    displayName: `${tier[0]!.toUpperCase()}${tier.slice(1)} plan`,
    quotaIds: quotas.slice(0, i + 1).map((q) => q.name),
  }));
  const offers = plans.map((plan, i) => ({
    offerId: `offer-${i}`,
    displayName: `${plan.displayName} offer`,
    basePlanIds: [plan.planId],
    state: 'Public',
  }));
  const users = Array.from({ length: 60 }, (_, i) => ({
    objectId: guid(next),
    userPrincipalName: `operator${i + 1}@azurestack.local`,
    enabled: i % 11 !== 0,
  }));
  const vaults = tenants.map((tenant) => ({
    vaultName: `${tenant}-kv`,
    subscription: subscriptions.find((s) => s.tenant.startsWith(tenant))?.subscriptionId,
    sku: 'standard',
  }));
  const deploymentId = guid(next);
  return {
    identity: {
      // What the stamp declares about itself (sources/backup-info.ts): in the backup's metadata under the API's names.
      'backup-info.json': { stampVersion: '1.2406.0.8', deploymentID: deploymentId, oemVersion: '2.3.2406.1' },
      'deployment.json': {
        stampVersion: '1.2406.0.8',
        deploymentId,
        externalDomain: 'local.azurestack.external',
        region: 'local',
      },
      'users.json': { users },
      'groups.json': {
        groups: [
          { name: 'Operators', members: users.slice(0, 10).map((u) => u.objectId) },
          { name: 'Auditors', members: users.slice(10, 14).map((u) => u.objectId) },
        ],
      },
      'federation.json': {
        issuer: 'https://adfs.local.azurestack.external/adfs',
        signingCertificateThumbprint: 'A9F3C0D2B1E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8',
      },
    },
    'certificate-authority': {
      'root.json': {
        subject: 'CN=AzureStackCertificationAuthority',
        serialNumber: '1F3A5C7E9B',
        notAfter: '2031-06-30T00:00:00Z',
        keyAlgorithm: 'RSA 4096',
      },
      'issued.json': {
        certificates: Array.from({ length: 24 }, (_, i) => ({
          subject: `CN=infra-role-${i}.azurestack.local`,
          serialNumber: guid(next).replace(/-/g, '').slice(0, 16).toUpperCase(),
        })),
      },
    },
    'resource-manager': {
      'subscriptions.json': { subscriptions },
      'plans.json': { plans },
      'offers.json': { offers },
      'quotas.json': { quotas },
    },
    keyvault: {
      'vaults.json': { vaults },
      'secrets.json': {
        secrets: vaults.flatMap((vault) =>
          Array.from({ length: 3 }, (_, i) => ({
            vault: vault.vaultName,
            name: `secret-${i + 1}`,
            version: guid(next),
            contentType: 'text/plain',
            value: `sample-secret-value-${vault.vaultName}-${i + 1}`,
          })),
        ),
      },
    },
    rbac: {
      'role-assignments.json': {
        assignments: subscriptions.map((s, i) => ({
          scope: `/subscriptions/${s.subscriptionId}`,
          role: ['Owner', 'Contributor', 'Reader'][i % 3],
          principalId: users[i % users.length]!.objectId,
        })),
      },
      'role-definitions.json': {
        roles: ['Owner', 'Contributor', 'Reader', 'Azure Stack Operator'].map((name) => ({ name, id: guid(next) })),
      },
    },
  };
}

/** Writes the sample stamp under `dir` once (idempotent) and returns it as folder sources. */
export async function ensureSampleStamp(dir: string): Promise<SourceDefinition[]> {
  const marker = join(dir, `.sample-stamp-v${SAMPLE_VERSION}`);
  const exists = await access(marker).then(
    () => true,
    () => false,
  );
  const files = sampleFiles();
  if (!exists) {
    for (const [component, entries] of Object.entries(files)) {
      await mkdir(join(dir, component), { recursive: true, mode: CONFIG_DIR_MODE });
      for (const [file, content] of Object.entries(entries))
        await writeFile(join(dir, component, file), JSON.stringify(content, null, 2) + '\n', { mode: CONFIG_FILE_MODE });
    }
    await writeFile(marker, new Date(0).toISOString(), { mode: CONFIG_FILE_MODE });
  }
  return SAMPLE_COMPONENTS.map((name) => ({ name, kind: 'folder' as const, folder: join(dir, name) }));
}
