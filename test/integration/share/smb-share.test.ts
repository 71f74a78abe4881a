import { afterAll, beforeAll } from 'vitest';
import { SmbShare } from '../../../main/engine/share/smb-share';
import { startSamba, type SambaServer } from '../../support/samba';
import { describeShareConformance } from './conformance';

let server: SambaServer;
beforeAll(async () => {
  server = await startSamba({ extraShares: [{ name: 'readonly', readOnly: true }] });
});
afterAll(async () => {
  await server?.stop();
});

describeShareConformance('SMB via smbclient', async () => {
  const share = new SmbShare({
    host: server.host,
    port: server.port,
    share: server.shareName,
    folder: 'Backups/conformance',
    username: `${server.workgroup}\\${server.username}`,
    password: server.password,
  });
  await share.mkdirp('');
  return { share, cleanup: async () => undefined };
});
