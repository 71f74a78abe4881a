import type { BackupConsoleApi } from '../../../preload/api';
import type { NotificationService } from '../notify';

type NotifyMethods = Pick<
  BackupConsoleApi,
  'getNotifications' | 'setEmailNotifications' | 'setWebhookNotifications' | 'setSystemLogNotifications' | 'testNotifications'
>;

/** Notifications: the channels' settings (secrets write-only), their delivery status, and "Send test". */
export function notifyMethods(notifications: NotificationService): NotifyMethods {
  return {
    getNotifications: () => notifications.view(),
    setEmailNotifications: (input) => notifications.setEmail(input),
    setWebhookNotifications: (input) => notifications.setWebhook(input),
    setSystemLogNotifications: (input) => notifications.setSystemLog(input),
    testNotifications: (input) => notifications.test(input),
  };
}
