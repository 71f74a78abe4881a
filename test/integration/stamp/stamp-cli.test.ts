/**
 * `infra-backup stamp …` against the mock stamp: the same conventions as every
 * command (--json, secrets from standard input only, exit 2 invalid input,
 * 3 the stamp failed with its category, 4 an operation failed).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from '../../../main/engine/certificates';
import { cli } from '../../support/cli';
import { EXAMPLE_PRUNABLE, startStampMock, type StampMock } from '../../support/stamp-mock';
import { makeTempDir } from '../../support/temp-dir';

describe('infra-backup stamp', () => {
  let stamp: StampMock;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  let caFile: string;
  let cerFile: string;
  const run = (args: string[], stdin = '') => cli(['--json', '--config-dir', config, 'stamp', ...args], stdin);

  beforeAll(async () => {
    stamp = await startStampMock({ identity: 'adfs', configured: false });
    temp = await makeTempDir('ibc-stamp-cli-');
    config = join(temp.path, 'config');
    caFile = join(temp.path, 'contoso-root-ca.pem');
    await writeFile(caFile, stamp.pki.caPem);
    cerFile = join(temp.path, 'backup.cer');
    await writeFile(cerFile, generateSelfSignedCertificate({ dnsName: 'backup.contoso.com', pfxPassword: 'pfx password 123' }).cerDer);
  });
  afterAll(async () => {
    await stamp?.close();
    await temp?.remove();
  });

  it('says no stamp is connected (exit 2) before connect', async () => {
    const shown = await run(['show']);
    expect(shown.code).toBe(2);
    expect(JSON.parse(shown.err)).toMatchObject({ error: { code: 'not-configured' } });
  });

  it('connect: prints the device code to standard error and the connection as JSON', async () => {
    const connected = await run(['connect', '--endpoint', stamp.url, '--region', 'local', '--ca-file', caFile]);
    expect(connected.code, connected.err).toBe(0);
    expect(connected.err).toMatch(/To sign in, use a web browser to open the page .*devicelogin and enter the code [0-9A-F]+/);
    expect(JSON.parse(connected.out)).toMatchObject({ connected: true, identitySystem: 'adfs', region: 'local', trust: 'pem' });
  });

  it('connect refuses a certificate sign-in without its password on standard input (exit 2)', async () => {
    const refused = await run(['connect', '--endpoint', stamp.url, '--client-cert', cerFile, '--client-id', 'x']);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.err).error.field).toBe('client-cert-password');
  });

  it('set: the first configuration needs the password (exit 2 naming the field), then takes it from standard input only', async () => {
    const noPassword = await run(['set', '--path', '\\\\fileserver01\\AzSBackups', '--username', 'CONTOSO\\backup', '--cert', cerFile]);
    expect(noPassword.code).toBe(2);
    expect(JSON.parse(noPassword.err).error.field).toBe('password');
    const frequency = await run(['set', '--frequency', '13']);
    expect(frequency.code).toBe(2);
    expect(JSON.parse(frequency.err).error).toMatchObject({ field: 'backupFrequencyInHours' });

    const set = await run(
      [
        'set',
        '--path',
        '\\\\fileserver01\\AzSBackups',
        '--username',
        'CONTOSO\\backup',
        '--password-stdin',
        '--cert',
        cerFile,
        '--frequency',
        '6',
        '--retention',
        '7',
        '--enable-scheduler',
      ],
      'Sh4re password\n',
    );
    expect(set.code, set.err).toBe(0);
    expect(set.out).not.toContain('Sh4re password');
    expect(JSON.parse(set.out).externalStoreDefault).toMatchObject({
      path: '\\\\fileserver01\\AzSBackups',
      userName: 'CONTOSO\\backup',
      backupFrequencyInHours: 6,
      backupRetentionPeriodInDays: 7,
      isBackupSchedulerEnabled: true,
      availableCapacity: '29.6 TB',
    });
    expect(stamp.api.storedPassword).toBe('Sh4re password');
  });

  it('show: the backup location with the API names', async () => {
    const shown = await run(['show']);
    expect(shown.code, shown.err).toBe(0);
    const essentials = JSON.parse(shown.out);
    expect(Object.keys(essentials.backupLocation.externalStoreDefault).sort()).toEqual(
      [
        'availableCapacity',
        'backupFrequencyInHours',
        'backupRetentionPeriodInDays',
        'encryptionCertThumbprint',
        'isBackupSchedulerEnabled',
        'lastBackupTime',
        'nextBackupTime',
        'path',
        'userName',
      ].sort(),
    );
    expect(essentials.lastBackup).toBeNull();
  });

  it('backup --wait: follows the operation to Succeeded (exit 0); list shows role status, recovery readiness, the restore command', async () => {
    const backup = await run(['backup', '--wait']);
    expect(backup.code, backup.err).toBe(0);
    const operation = JSON.parse(backup.out);
    expect(operation).toMatchObject({ kind: 'backup', state: 'Succeeded' });
    const listed = await run(['list']);
    const backups = JSON.parse(listed.out);
    expect(backups[0]).toMatchObject({ name: operation.backupName, backupInfo: { status: 'Succeeded', isCloudRecoveryReady: true } });
    expect(backups[0].backupInfo.roleStatus).toContainEqual({ roleName: 'KeyVaultDataPlane', status: 'Succeeded' });
    expect(backups[0].restoreCommand).toMatch(/^Restore-AzsBackup -Location local -Name [0-9a-f-]{36} -DecryptionCertPath/);
  });

  it('backup --wait: a backup the stamp reports failed exits 4', async () => {
    stamp.api.lro.backupOutcome = 'Failed';
    try {
      const backup = await run(['backup', '--wait']);
      expect(backup.code).toBe(4);
      expect(JSON.parse(backup.err).error).toMatchObject({ code: 'operation-failed' });
    } finally {
      stamp.api.lro.backupOutcome = 'Succeeded';
    }
    const operations = JSON.parse((await run(['operations'])).out);
    expect(operations.map((operation: { state: string }) => operation.state).slice(0, 2)).toEqual(['Failed', 'Succeeded']);
  });

  it('prune: a dry run by default; --apply needs --yes (exit 2), and --apply --yes deletes what the dry run listed', async () => {
    const dryRun = await run(['prune']);
    expect(JSON.parse(dryRun.out)).toEqual({ operationType: 'DryRun', pathsToDelete: EXAMPLE_PRUNABLE });
    const unconfirmed = await run(['prune', '--apply']);
    expect(unconfirmed.code).toBe(2);
    expect(stamp.api.prunable).toEqual(EXAMPLE_PRUNABLE);
    const applied = await run(['prune', '--apply', '--yes']);
    expect(applied.code, applied.err).toBe(0);
    expect(JSON.parse(applied.out)).toEqual({ operationType: 'Default', pathsToDelete: EXAMPLE_PRUNABLE });
    expect(stamp.api.prunable).toEqual([]);
  });

  it('a stamp that refuses every token: exit 3 with category authentication', async () => {
    stamp.api.rejectEveryToken = true;
    try {
      const shown = await run(['show']);
      expect(shown.code).toBe(3);
      expect(JSON.parse(shown.err).error).toMatchObject({ code: 'stamp', category: 'authentication' });
    } finally {
      stamp.api.rejectEveryToken = false;
    }
  });

  it('disconnect forgets the stamp', async () => {
    expect((await run(['disconnect'])).code).toBe(0);
    expect((await run(['show'])).code).toBe(2);
  });
});
