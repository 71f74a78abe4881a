import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useNavigationStore, routeFromHash } from '../../../renderer/src/stores/navigation';
import { useSettingsStore } from '../../../renderer/src/stores/settings';
import { freshStores, type FakeTransport } from './fake-transport';
import { CONFIGURED } from './views';

describe('navigation store', () => {
  let engine: FakeTransport;
  beforeEach(() => {
    vi.stubGlobal('window', { location: { hash: '#/configuration' } });
    engine = freshStores();
    engine.answer('getSettings', () => CONFIGURED);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('names every page in the document title', () => {
    const navigation = useNavigationStore();
    expect(navigation.documentTitle).toBe('Backup controller settings · Infrastructure Backup Console');
    navigation.go('timeline');
    expect(navigation.documentTitle).toBe('Timeline · Infrastructure Backup Console');
    expect(window.location.hash).toBe('#/timeline');
  });

  it('keeps old links working', () => {
    expect(routeFromHash('#/essentials')).toBe('overview');
    expect(routeFromHash('#/backups')).toBe('overview');
    expect(routeFromHash('#/nonsense')).toBe('overview');
  });

  it('asks before leaving the configuration panel with unsaved changes, and discards only when told', async () => {
    const settings = useSettingsStore();
    await settings.load();
    const navigation = useNavigationStore();
    settings.form.password = 'typed but not saved';

    navigation.go('overview');
    expect(navigation.route).toBe('configuration');
    expect(navigation.pendingRoute).toBe('overview');
    navigation.stay();
    expect(navigation.pendingRoute).toBeNull();
    expect(settings.form.password).toBe('typed but not saved');

    navigation.followHash('#/alerts');
    expect(navigation.route).toBe('configuration');
    expect(window.location.hash).toBe('#/configuration');
    navigation.discardAndLeave();
    expect(navigation.route).toBe('alerts');
    expect(settings.form.password).toBe('');
  });
});
