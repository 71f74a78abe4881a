/**
 * Which stamp the console manages and how it signs in, in `stamp.json` in the
 * config folder (0600, replaced atomically, kept aside when unreadable, like
 * every state file). Nothing secret is in it: the token cache and a service
 * principal's private key are in the encrypted secret store.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { jsonStateFile, type JsonStateFile } from '../history/json-state-file';

export const STAMP_FILE_NAME = 'stamp.json';

export const STAMP_SECRET_NAMES = {
  /** msal-node's serialized token cache (access and refresh tokens, accounts). */
  tokenCache: 'stamp-token-cache',
  /** A service principal's private key (PEM), from the .pfx given when connecting. */
  clientKey: 'stamp-client-key',
} as const;

const storedConnection = z.object({
  version: z.literal(1),
  adminEndpoint: z.string(),
  region: z.string(),
  subscriptionId: z.string(),
  identitySystem: z.enum(['azure-ad', 'adfs']),
  loginEndpoint: z.string(),
  audience: z.string(),
  tenant: z.string().nullable(),
  signInMethod: z.enum(['device-code', 'client-certificate']),
  clientId: z.string(),
  account: z.string().nullable(),
  homeAccountId: z.string().nullable(),
  clientCertificate: z.object({ thumbprint: z.string(), thumbprintSha256: z.string(), certificatePem: z.string() }).nullable(),
  trust: z.discriminatedUnion('source', [
    z.object({ source: z.literal('system') }),
    z.object({ source: z.literal('pem'), pem: z.string(), subjects: z.array(z.string()) }),
  ]),
});
export type StoredConnection = z.output<typeof storedConnection>;

export function stampConnectionFile(
  configDir: string,
  onInvalid: (notice: string) => void,
  now: () => Date,
): JsonStateFile<StoredConnection> {
  return jsonStateFile(
    join(configDir, STAMP_FILE_NAME),
    (value) => {
      const parsed = storedConnection.safeParse(value);
      return parsed.success ? parsed.data : null;
    },
    onInvalid,
    now,
  );
}
