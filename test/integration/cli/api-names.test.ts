import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { makeSourceTree, testCertificate } from '../../support/backup-fixtures';
import { startSamba, type SambaServer } from '../../support/samba';
import { makeTempDir } from '../../support/temp-dir';

const DEPLOYMENT_ID = '3f1c9a2e-0000-4000-8000-00000000beef';

describe("backup list --json, config export and command-source metadata under Microsoft.Backup.Admin's names (real Samba)", () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  const c = (...args: string[]) => ['--json', '--config-dir', join(temp.path, 'config'), ...args];

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    const set = await cli(
      c(
        'config',
        'set',
        '--path',
        server.uncPath,
        '--username',
        `${server.workgroup}\\${server.username}`,
        '--password-stdin',
        '--smb-port',
        String(server.port),
        '--cert',
        cer,
      ),
      server.password,
    );
    expect(set.code, set.err).toBe(0);
    await makeSourceTree(join(temp.path, 'files'));
  });
  afterAll(async () => {
    await server?.stop();
    await temp?.remove();
  });

  it('a command source declares stampVersion, deploymentID, oemVersion; a folder source is told to use its backup-info.json', async () => {
    const folder = await cli(c('sources', 'add', 'files', '--folder', join(temp.path, 'files'), '--stamp-version', '1.0'));
    expect(folder.code).toBe(2);
    expect(JSON.parse(folder.err)).toMatchObject({ error: { message: expect.stringContaining('backup-info.json') } });
    expect((await cli(c('sources', 'add', 'files', '--folder', join(temp.path, 'files')))).code).toBe(0);
    const tooLong = await cli(c('sources', 'add', 'stampdb', '--command', 'printf x', '--oem-version', 'v'.repeat(300)));
    expect(tooLong.code).toBe(2);
    expect(JSON.parse(tooLong.err)).toMatchObject({ error: { field: 'oemVersion' } });

    const added = await cli(
      c(
        'sources',
        'add',
        'stampdb',
        '--command',
        'printf "stamp database dump"',
        '--stamp-version',
        '1.2408.1.50',
        '--deployment-id',
        DEPLOYMENT_ID,
        '--oem-version',
        '2.1.0',
      ),
    );
    expect(added.code, added.err).toBe(0);
    const listed = JSON.parse((await cli(c('sources', 'list'))).out) as unknown;
    expect(listed).toEqual([
      expect.objectContaining({ name: 'files', kind: 'folder' }),
      expect.objectContaining({
        name: 'stampdb',
        kind: 'command',
        backupInfo: { stampVersion: '1.2408.1.50', deploymentID: DEPLOYMENT_ID, oemVersion: '2.1.0' },
      }),
    ]);
    const stored = JSON.parse(await readFile(join(temp.path, 'config', 'sources.json'), 'utf8')) as unknown;
    expect(stored).toMatchObject({ sources: [{ name: 'files' }, { name: 'stampdb', backupInfo: { stampVersion: '1.2408.1.50' } }] });
  });

  it('backup start --wait and backup list print the backup under the API names, the declaration in it', async () => {
    const started = await cli(c('backup', 'start', '--wait'));
    expect(started.code, started.err).toBe(0);
    const backup = JSON.parse(started.out) as { backupId: string };
    const list = JSON.parse((await cli(c('backup', 'list'))).out) as Array<Record<string, unknown>>;
    expect(list).toEqual([
      {
        backupId: backup.backupId,
        status: 'Succeeded',
        createdDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        timeTakenToCreate: expect.stringMatching(/^PT[\d.HMS]+$/),
        backupDataVersion: '2',
        stampVersion: '1.2408.1.50',
        deploymentID: DEPLOYMENT_ID,
        oemVersion: '2.1.0',
        roleStatus: [
          { roleName: 'files', status: 'Succeeded' },
          { roleName: 'stampdb', status: 'Succeeded' },
        ],
        isCloudRecoveryReady: true,
        encryptionCertThumbprint: testCertificate().info.thumbprint,
        trigger: 'on-demand',
        completedAt: expect.any(String),
        sizeBytes: expect.any(Number),
        encryptionMode: 'certificate',
        expiresAt: null,
        signedBy: expect.any(String),
      },
    ]);
    expect(JSON.parse(started.out)).toEqual(list[0]);
  });

  it("config export writes the BackupLocation with the API's read-only availableCapacity, lastBackupTime and nextBackupTime", async () => {
    const file = join(temp.path, 'location.json');
    const exported = await cli(c('config', 'export', file));
    expect(exported.code, exported.err).toBe(0);
    const [last] = JSON.parse((await cli(c('backup', 'list'))).out) as Array<{ completedAt: string }>;
    const schedule = JSON.parse((await cli(c('config', 'show'))).out) as { nextBackupTime: string };
    const document = JSON.parse(await readFile(file, 'utf8')) as { properties: { externalStoreDefault: Record<string, unknown> } };
    expect(document.properties.externalStoreDefault).toMatchObject({
      path: server.uncPath,
      isBackupSchedulerEnabled: true,
      availableCapacity: expect.stringMatching(/^[\d.,]+ (B|KB|MB|GB|TB|PB)$/),
      lastBackupTime: last?.completedAt,
      nextBackupTime: schedule.nextBackupTime,
    });
    // Read-only fields are ignored on import: the exported document goes back in as it is.
    expect((await cli(c('config', 'import', file))).code).toBe(0);
  });
});
