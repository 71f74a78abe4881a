import { METADATA_API_VERSION, metadataEndpoints } from '../../../common/contract/stamp-api';
import { invalidInput } from '../errors';
import type { HttpsClient } from './https-client';
import { stampFailure } from './stamp-errors';

export type IdentitySystem = 'azure-ad' | 'adfs';

export interface DiscoveredEndpoints {
  /** The admin endpoint as given, without a trailing slash. */
  adminEndpoint: string;
  loginEndpoint: string;
  audience: string;
  identitySystem: IdentitySystem;
}

/** https://adminmanagement.local.azurestack.external/ → https://adminmanagement.local.azurestack.external */
export function normalizeEndpoint(value: string): string {
  const url = new URL(value.trim());
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** `adminmanagement.{region}.{fqdn}` → region; null for any other host (an address, another name). */
export function regionFromEndpoint(endpoint: string): string | null {
  const labels = new URL(endpoint).hostname.split('.');
  return labels.length >= 3 && labels[0]?.toLowerCase() === 'adminmanagement' ? (labels[1] ?? null) : null;
}

/**
 * Asks the stamp where to sign in: `GET {adminEndpoint}/metadata/endpoints?api-version=2015-01-01`
 * answers the login endpoint (AD FS: https://adfs.{region}.{fqdn}/adfs/; Azure
 * AD: https://login.microsoftonline.com/) and the audience tokens are for.
 */
export async function discoverEndpoints(http: HttpsClient, adminEndpoint: string, signal?: AbortSignal): Promise<DiscoveredEndpoints> {
  const endpoint = normalizeEndpoint(adminEndpoint);
  const url = `${endpoint}/metadata/endpoints?api-version=${METADATA_API_VERSION}`;
  const response = await http.send({ method: 'GET', url }, signal);
  if (response.status !== 200) {
    throw stampFailure(
      response.status === 404 ? 'path' : 'general',
      `${endpoint} did not answer the metadata endpoints request (HTTP ${response.status}); is it the admin endpoint of an Azure Stack Hub (https://adminmanagement.{region}.{fqdn})?`,
      response.text.slice(0, 2000),
    );
  }
  let parsed;
  try {
    parsed = metadataEndpoints.parse(JSON.parse(response.text));
  } catch (error) {
    throw stampFailure(
      'general',
      `${endpoint} answered the metadata endpoints request with something else than Azure Stack Hub's document.`,
      error,
    );
  }
  const loginEndpoint = parsed.authentication.loginEndpoint;
  let loginUrl: URL;
  try {
    loginUrl = new URL(loginEndpoint);
  } catch (error) {
    throw stampFailure('general', `The stamp's login endpoint "${loginEndpoint}" is not a URL.`, error);
  }
  if (loginUrl.protocol !== 'https:') throw invalidInput('adminEndpoint', `The stamp's login endpoint ${loginEndpoint} is not https.`);
  const identitySystem: IdentitySystem = /\/adfs\/?$/i.test(loginUrl.pathname) ? 'adfs' : 'azure-ad';
  return { adminEndpoint: endpoint, loginEndpoint, audience: parsed.authentication.audiences[0] ?? '', identitySystem };
}
