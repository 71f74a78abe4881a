/**
 * The console's stamp client against the spec-derived mock stamp: connect
 * (AD FS, device code, the enterprise root CA from a PEM), configure, backup
 * now with polling, list, toggle the scheduler, prune with a dry run first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from '../../../main/engine/certificates';
import { EXAMPLE_BACKUP_NAME, EXAMPLE_PRUNABLE, EXAMPLE_ROLES, startStampMock, type StampMock } from '../../support/stamp-mock';
import { ok, startStampConsole, type StampConsole } from './stamp-console';

describe('a stamp managed from the console (mock stamp, AD FS, device code)', () => {
  let stamp: StampMock;
  let console_: StampConsole;

  beforeAll(async () => {
    stamp = await startStampMock({ identity: 'adfs' });
    console_ = await startStampConsole();
  });
  afterAll(async () => {
    await console_?.close();
    await stamp?.close();
  });

  it('connects: discovers AD FS from the metadata endpoint, signs in with a device code, finds the Default Provider Subscription', async () => {
    const connection = ok(
      await console_.call('stampConnect', {
        adminEndpoint: stamp.url,
        region: stamp.region,
        signIn: { method: 'device-code' },
        trust: { source: 'pem', pem: stamp.pki.caPem },
      }),
    );
    expect(connection).toMatchObject({
      connected: true,
      adminEndpoint: stamp.url,
      region: 'local',
      subscriptionId: stamp.api.subscriptionId,
      identitySystem: 'adfs',
      loginEndpoint: `${stamp.url}/adfs/`,
      signInMethod: 'device-code',
      account: stamp.identity.user,
      trust: 'pem',
      addedRootCertificates: ['CN=Contoso Enterprise Root CA (test)'],
    });
    const prompt = console_.events.find((event) => event.type === 'stamp-sign-in');
    expect(prompt).toMatchObject({ type: 'stamp-sign-in', verificationUri: `${stamp.url}/devicelogin` });
    expect(stamp.identity.tokenRequests.map((request) => request.grantType)).toContain('device_code');
  });

  it('shows Essentials with the API names and values of the example (path, capacity, next and last backup, scheduler, thumbprint)', async () => {
    const essentials = ok(await console_.call('stampGetEssentials'));
    expect(essentials.backupLocation.externalStoreDefault).toEqual({
      path: '\\\\su1fileserver\\SU1_Infrastructure_2\\BackupStore',
      userName: 'azurestack\\azurestackadmin',
      encryptionCertThumbprint: 'BDB07F879C1F1A05B74EB43AEAF5E5B5F84DCEA8',
      backupFrequencyInHours: 10,
      availableCapacity: '29.6 TB',
      isBackupSchedulerEnabled: false,
      nextBackupTime: '2018-08-28T17:26:00.9454387Z',
      lastBackupTime: '2018-08-28T07:47:11.3081476Z',
      backupRetentionPeriodInDays: 6,
    });
    expect(essentials.lastBackup?.name).toBe(EXAMPLE_BACKUP_NAME);
    expect(essentials.backupLocation.location).toBe('local');
  });

  it('configures the backup location: every field round-trips under the API name, the password goes to the stamp and nowhere back', async () => {
    const certificate = generateSelfSignedCertificate({ dnsName: 'backup.contoso.com', pfxPassword: 'pfx password 123' });
    const saved = ok(
      await console_.call('stampSaveSettings', {
        path: '\\\\fileserver01.contoso.com\\AzSBackups\\contoso.com\\local',
        userName: 'CONTOSO\\backupshareuser',
        password: 'Share-Passw0rd!',
        passwordConfirm: 'Share-Passw0rd!',
        encryptionCertBase64: certificate.cerDer.toString('base64'),
        backupFrequencyInHours: 8,
        backupRetentionPeriodInDays: 9,
        isBackupSchedulerEnabled: true,
      }),
    );
    expect(saved.externalStoreDefault).toMatchObject({
      path: '\\\\fileserver01.contoso.com\\AzSBackups\\contoso.com\\local',
      userName: 'CONTOSO\\backupshareuser',
      encryptionCertThumbprint: certificate.info.thumbprint,
      backupFrequencyInHours: 8,
      backupRetentionPeriodInDays: 9,
      isBackupSchedulerEnabled: true,
    });
    expect(stamp.api.storedPassword).toBe('Share-Passw0rd!');
    const put = stamp.api.requests.find((request) => request.method === 'PUT');
    expect(put?.apiVersion).toBe('2018-09-01');
    expect(put?.body).toMatchObject({ properties: { externalStoreDefault: { password: 'Share-Passw0rd!', backupFrequencyInHours: 8 } } });
    expect(JSON.stringify(saved)).not.toContain('Share-Passw0rd!');
    // The update was long-running: 202, then polled through Location until it answered 200.
    const configure = ok(await console_.call('stampListOperations')).find((operation) => operation.kind === 'configure');
    expect(configure).toMatchObject({ state: 'Succeeded' });
    expect(configure?.polledAt).not.toBeNull();
  });

  it('refuses what the console refuses, with the API field named, before anything reaches the stamp', async () => {
    const before = stamp.api.requests.filter((request) => request.method === 'PUT').length;
    const frequency = await console_.call('stampSaveSettings', { backupFrequencyInHours: 13 });
    expect(frequency.ok).toBe(false);
    if (!frequency.ok) expect(frequency.error).toMatchObject({ code: 'invalid-input', field: 'backupFrequencyInHours' });
    const local = await console_.call('stampSaveSettings', { path: '/srv/backups' });
    expect(local.ok).toBe(false);
    if (!local.ok) expect(local.error).toMatchObject({ code: 'invalid-input', field: 'path' });
    const user = await console_.call('stampSaveSettings', { userName: 'nodomain' });
    if (!user.ok) expect(user.error.field).toBe('userName');
    else throw new Error('a username without a domain was accepted');
    expect(stamp.api.requests.filter((request) => request.method === 'PUT').length).toBe(before);
  });

  it('enables and disables automatic backups (isBackupSchedulerEnabled), keeping the other settings', async () => {
    const off = ok(await console_.call('stampSetScheduler', { isBackupSchedulerEnabled: false }));
    expect(off.externalStoreDefault.isBackupSchedulerEnabled).toBe(false);
    expect(off.externalStoreDefault.backupFrequencyInHours).toBe(8);
    expect(stamp.api.store.isBackupSchedulerEnabled).toBe(false);
    const on = ok(await console_.call('stampSetScheduler', { isBackupSchedulerEnabled: true }));
    expect(on.externalStoreDefault.isBackupSchedulerEnabled).toBe(true);
    expect(stamp.api.storedPassword).toBe('Share-Passw0rd!');
  });

  it('backs up now: 202, then the state is polled (Retry-After as the stamp asks) and published until the backup succeeded', async () => {
    stamp.api.lro.pollsBeforeDone = 2;
    stamp.api.lro.retryAfterSeconds = 3;
    const waitsBefore = console_.waits.length;
    const started = ok(await console_.call('stampStartBackup'));
    expect(started.state).toBe('InProgress');
    await console_.engine.whenStampIdle();
    const updates = console_.events.flatMap((event) =>
      event.type === 'stamp-operation' && event.operation.operationId === started.operationId ? [event.operation] : [],
    );
    expect(updates.at(-1)).toMatchObject({ kind: 'backup', state: 'Succeeded' });
    expect(updates.filter((update) => update.state === 'InProgress').length).toBeGreaterThanOrEqual(3);
    expect(console_.waits.slice(waitsBefore)).toEqual([3000, 3000, 3000]);
    const backupName = updates.at(-1)?.backupName ?? '';
    const backups = ok(await console_.call('stampListBackups'));
    expect(backups[0]?.name).toBe(backupName);
    expect(backups[0]?.backupInfo).toMatchObject({ status: 'Succeeded', isCloudRecoveryReady: true });
    expect(backups[0]?.backupInfo.roleStatus.map((role) => role.roleName)).toEqual(EXAMPLE_ROLES);
    expect(backups[0]?.restoreCommand).toContain(`Restore-AzsBackup -Location local -Name ${backupName}`);
  });

  it('shows a backup that failed on the stamp as failed, naming the role, through Azure-AsyncOperation', async () => {
    stamp.api.lro.protocol = 'async-operation';
    stamp.api.lro.backupOutcome = 'Failed';
    stamp.api.lro.pollsBeforeDone = 1;
    const started = ok(await console_.call('stampStartBackup'));
    await console_.engine.whenStampIdle();
    const operation = ok(await console_.call('stampListOperations')).find((candidate) => candidate.operationId === started.operationId);
    expect(operation).toMatchObject({ state: 'Failed', error: { code: 'operation-failed' } });
    expect(operation?.error?.message).toContain('KeyVaultDataPlane');
    const failed = ok(await console_.call('stampListBackups')).find((backup) => backup.backupInfo.status === 'Failed');
    expect(failed?.backupInfo.roleStatus.find((role) => role.status === 'Failed')?.roleName).toBe('KeyVaultDataPlane');
    expect(failed?.backupInfo.isCloudRecoveryReady).toBe(false);
    stamp.api.lro.protocol = 'location';
    stamp.api.lro.backupOutcome = 'Succeeded';
  });

  it('prunes the external store only after a dry run, and only what the dry run listed', async () => {
    const dryRun = ok(await console_.call('stampPrune', { operationType: 'DryRun' }));
    expect(dryRun).toEqual({ operationType: 'DryRun', pathsToDelete: EXAMPLE_PRUNABLE });
    expect(stamp.api.prunable).toEqual(EXAMPLE_PRUNABLE);
    const unconfirmed = await console_.call('stampPrune', { operationType: 'Default', confirmPathsToDelete: [EXAMPLE_PRUNABLE[0] ?? ''] });
    expect(unconfirmed.ok).toBe(false);
    if (!unconfirmed.ok) expect(unconfirmed.error.code).toBe('confirmation-required');
    expect(stamp.api.prunable).toEqual(EXAMPLE_PRUNABLE);
    const pruned = ok(await console_.call('stampPrune', { operationType: 'Default', confirmPathsToDelete: dryRun.pathsToDelete }));
    expect(pruned).toEqual({ operationType: 'Default', pathsToDelete: EXAMPLE_PRUNABLE });
    expect(stamp.api.prunable).toEqual([]);
    const bodies = stamp.api.requests.filter((request) => request.path.endsWith('/pruneExternalStore')).map((request) => request.body);
    expect(bodies).toEqual([
      { operationType: 'DryRun' },
      { operationType: 'DryRun' },
      { operationType: 'DryRun' },
      { operationType: 'Default' },
    ]);
  });

  it('keeps the sign-in encrypted: no token, refresh token or password in any file of the config folder', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    let text = '';
    for (const name of await readdir(console_.configDir)) text += await readFile(join(console_.configDir, name), 'utf8').catch(() => '');
    for (const token of stamp.identity.issued) expect(text).not.toContain(token.token);
    expect(text).not.toContain('Share-Passw0rd!');
    expect(text).toContain('"signInMethod": "device-code"');
  });
});
