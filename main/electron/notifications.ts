import type { Notifier } from '../engine/alerts';

export interface NotificationLike {
  show(): void;
}
export type NotificationConstructorLike = new (options: {
  title: string;
  body: string;
  urgency?: 'normal' | 'critical' | 'low';
}) => NotificationLike;

/** Desktop notifications for newly raised alerts (the AlertCenter never repeats one every tick). */
export function desktopNotifier(Notification: NotificationConstructorLike, isSupported: () => boolean): Notifier {
  return {
    notify: (alert) => {
      if (!isSupported()) return;
      new Notification({
        title: alert.title,
        body: alert.remediation,
        urgency: alert.severity === 'critical' ? 'critical' : 'normal',
      }).show();
    },
  };
}
