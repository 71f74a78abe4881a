// Icons drawn inline (Fluent-like strokes): no icon font or library in the bundle.
export const ICON_PATHS = {
  play: 'M7 4.5v11l9-5.5z',
  settings:
    'M10 6.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7zm0 1.5a2 2 0 1 1 0 4 2 2 0 0 1 0-4zM8.6 2h2.8l.4 2.1 1.5.8 2-.8 1.4 2.4-1.6 1.4v1.8l1.6 1.4-1.4 2.4-2-.8-1.5.8-.4 2.1H8.6l-.4-2.1-1.5-.8-2 .8-1.4-2.4 1.6-1.4V8.2L3.3 6.8l1.4-2.4 2 .8 1.5-.8z',
  power: 'M10 2v7M6 4.6A6.5 6.5 0 1 0 14 4.6',
  refresh: 'M16 10a6 6 0 1 1-1.8-4.3M16 3v3.7h-3.7',
  copy: 'M7 3h8v10H7zM5 6H4v11h8v-1',
  close: 'M5 5l10 10M15 5L5 15',
  check: 'M4 10.5l4 4 8-9',
  warning: 'M10 3l8 14H2zM10 8v4M10 14.2v.6',
  error: 'M10 2.5a7.5 7.5 0 1 0 0 15 7.5 7.5 0 0 0 0-15zM7.2 7.2l5.6 5.6M12.8 7.2l-5.6 5.6',
  info: 'M10 2.5a7.5 7.5 0 1 0 0 15 7.5 7.5 0 0 0 0-15zM10 9v5M10 6.2v.6',
  circle: 'M10 5a5 5 0 1 0 0 10 5 5 0 0 0 0-10z',
  stop: 'M6 6h8v8H6z',
  folder: 'M2.5 5.5h5l1.5 1.5h8.5v8.5h-15z',
  upload: 'M10 14V4M6 8l4-4 4 4M4 16h12',
  key: 'M12.5 3.5a4 4 0 1 1-3.2 6.4L3.5 15.7V17h2.5v-1.5h1.5V14H9l1.7-1.7A4 4 0 0 1 12.5 3.5z',
  shield: 'M10 2.5l6 2.5v4.5c0 3.8-2.6 6.6-6 8-3.4-1.4-6-4.2-6-8V5z',
  trash: 'M3.5 5.5h13M8 5.5V3.5h4v2M5.5 5.5l1 11h7l1-11M8.5 8.5v5M11.5 8.5v5',
} as const;

export type IconName = keyof typeof ICON_PATHS;
