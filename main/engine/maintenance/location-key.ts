/** Which share a fact was read from: the configured location as the drivers reach it ('' when not configured). */
export function locationKey(settings: { configured: boolean; location: string; username: string; smbPort: number }): string {
  return settings.configured ? `${settings.location}|${settings.username}|${settings.smbPort}` : '';
}
