import {
  createLocale,
  enUS,
  alertDark,
  buttonDark,
  commonDark,
  drawerDark,
  inputDark,
  inputNumberDark,
  modalDark,
  progressDark,
  tooltipDark,
  type GlobalTheme,
  type NLocale,
  type GlobalThemeOverrides,
} from 'naive-ui';

/**
 * The console's colours, once. Every text colour keeps a contrast of at least
 * 4.5:1 on the backgrounds it is used on (WCAG AA), in light and in dark; the
 * e2e suite checks it with axe-core. App.vue turns a palette into CSS
 * variables for our own markup and into Naive UI overrides for its components.
 */
export interface Palette {
  page: string;
  surface: string;
  surfaceRaised: string;
  border: string;
  text: string;
  textSecondary: string;
  primary: string;
  primaryHover: string;
  primaryPressed: string;
  onPrimary: string;
  link: string;
  focus: string;
  success: string;
  warning: string;
  error: string;
  info: string;
  successBackground: string;
  warningBackground: string;
  errorBackground: string;
  infoBackground: string;
  selected: string;
  headerBackground: string;
  headerText: string;
}

export const LIGHT: Palette = {
  page: '#ffffff',
  surface: '#faf9f8',
  surfaceRaised: '#ffffff',
  border: '#c8c6c4',
  text: '#201f1e',
  textSecondary: '#605e5c',
  primary: '#0f6cbd',
  primaryHover: '#115ea3',
  primaryPressed: '#0c3b5e',
  onPrimary: '#ffffff',
  link: '#0f6cbd',
  focus: '#0f6cbd',
  success: '#107c10',
  warning: '#8a5300',
  error: '#a4262c',
  info: '#0f6cbd',
  successBackground: '#dff6dd',
  warningBackground: '#fff4ce',
  errorBackground: '#fde7e9',
  infoBackground: '#ebf3fc',
  selected: '#e1effa',
  headerBackground: '#0c3b5e',
  headerText: '#ffffff',
};

export const DARK: Palette = {
  page: '#1b1a19',
  surface: '#252423',
  surfaceRaised: '#292827',
  border: '#605e5c',
  text: '#f3f2f1',
  textSecondary: '#c8c6c4',
  primary: '#479ef5',
  primaryHover: '#62abf5',
  primaryPressed: '#2886de',
  onPrimary: '#1b1a19',
  link: '#62abf5',
  focus: '#62abf5',
  success: '#6ccb5f',
  warning: '#fce100',
  error: '#f1707b',
  info: '#62abf5',
  successBackground: '#052505',
  warningBackground: '#433519',
  errorBackground: '#442726',
  infoBackground: '#082338',
  selected: '#0c3b5e',
  headerBackground: '#292827',
  headerText: '#f3f2f1',
};

const FONT = "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', sans-serif";

/** CSS variables for our own markup (`var(--text)` …). */
export function cssVariables(palette: Palette): Record<string, string> {
  const variables: Record<string, string> = { '--font': FONT };
  for (const [name, value] of Object.entries(palette)) variables[`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`] = value;
  return variables;
}

export function naiveOverrides(palette: Palette): GlobalThemeOverrides {
  return {
    common: {
      fontFamily: FONT,
      fontSize: '14px',
      fontSizeMedium: '14px',
      borderRadius: '2px',
      primaryColor: palette.primary,
      primaryColorHover: palette.primaryHover,
      primaryColorPressed: palette.primaryPressed,
      primaryColorSuppl: palette.primaryHover,
      infoColor: palette.info,
      infoColorHover: palette.primaryHover,
      infoColorPressed: palette.primaryPressed,
      infoColorSuppl: palette.primaryHover,
      successColor: palette.success,
      successColorHover: palette.success,
      successColorPressed: palette.success,
      successColorSuppl: palette.success,
      warningColor: palette.warning,
      warningColorHover: palette.warning,
      warningColorPressed: palette.warning,
      warningColorSuppl: palette.warning,
      errorColor: palette.error,
      errorColorHover: palette.error,
      errorColorPressed: palette.error,
      errorColorSuppl: palette.error,
      textColorBase: palette.text,
      textColor1: palette.text,
      textColor2: palette.text,
      textColor3: palette.textSecondary,
      placeholderColor: palette.textSecondary,
      bodyColor: palette.page,
      cardColor: palette.surfaceRaised,
      modalColor: palette.surfaceRaised,
      popoverColor: palette.surfaceRaised,
      borderColor: palette.border,
    },
    Button: { textColorPrimary: palette.onPrimary, textColorHoverPrimary: palette.onPrimary, textColorPressedPrimary: palette.onPrimary },
    Tooltip: { color: palette.text, textColor: palette.page },
  };
}

/** Naive UI's dark theme for the components the console uses, and no others (keeps the bundle small). */
export const DARK_THEME: GlobalTheme = {
  name: 'dark',
  common: commonDark,
  Alert: alertDark,
  Button: buttonDark,
  Drawer: drawerDark,
  Input: inputDark,
  InputNumber: inputNumberDark,
  Modal: modalDark,
  Progress: progressDark,
  Tooltip: tooltipDark,
};

/** Labels name every field: no library placeholder text ("Please Input") inside them. */
export const LOCALE: NLocale = createLocale({ Input: { placeholder: '' }, InputNumber: { placeholder: '' } }, enUS);
