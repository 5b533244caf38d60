// ip's `-c` colours (iproute2 lib/color.c): interface names, MAC addresses, IPv4 and IPv6
// addresses and the UP/DOWN operstates, each wrapped in its escape code and a reset.

/** What ip colours (enum color_attr). */
export type ColorAttr = 'ifname' | 'mac' | 'inet' | 'inet6' | 'up' | 'down';

/** The palette for a light background (attr_colors_light): cyan, yellow, magenta, blue, green, red. */
const LIGHT: Readonly<Record<ColorAttr, string>> = { ifname: '\x1b[36m', mac: '\x1b[33m', inet: '\x1b[35m', inet6: '\x1b[34m', up: '\x1b[32m', down: '\x1b[31m' };
/** The palette for a dark background (attr_colors_dark): the same colours in bold. */
const DARK: Readonly<Record<ColorAttr, string>> = { ifname: '\x1b[1;36m', mac: '\x1b[1;33m', inet: '\x1b[1;35m', inet6: '\x1b[1;34m', up: '\x1b[1;32m', down: '\x1b[1;31m' };
const CLEAR = '\x1b[0m';

/** Text in one of ip's colours, or as it is (colour off, or nothing to colour it as). */
export type Paint = (text: string, attr: ColorAttr | undefined) => string;

/** No colours: what every line prints without `-c`. */
export const plain: Paint = (text) => text;

/**
 * ip's set_color_palette: a COLORFGBG whose last `;` field is 0-6 or 8 means a dark background,
 * and then the bold palette.
 */
function darkBackground(colorfgbg: string | undefined): boolean {
  const i = colorfgbg?.lastIndexOf(';') ?? -1;
  if (colorfgbg === undefined || i < 0) return false;
  return /^[0-68]$/.test(colorfgbg.slice(i + 1));
}

/** The painter for `-c` on or off; the palette follows COLORFGBG as ip's does. */
export function painter(on: boolean, env: Readonly<Record<string, string | undefined>> = process.env): Paint {
  if (!on) return plain;
  const palette = darkBackground(env.COLORFGBG) ? DARK : LIGHT;
  return (text, attr) => (attr === undefined ? text : `${palette[attr]}${text}${CLEAR}`);
}

/** ifa_family_color: IPv4 and IPv6 addresses have a colour, other families none. */
export function familyColor(family: unknown): ColorAttr | undefined {
  return family === 'inet' ? 'inet' : family === 'inet6' ? 'inet6' : undefined;
}

/** The family colour of an address or prefix as ip prints it (IPv6 has a colon). */
export function addressColor(text: string): ColorAttr | undefined {
  return text.includes(':') ? 'inet6' : /^\d+\.\d+\.\d+\.\d+(?:\/\d+)?$/.test(text) ? 'inet' : undefined;
}

/** oper_state_color: UP green, DOWN red, the others none. */
export function operstateColor(state: unknown): ColorAttr | undefined {
  return state === 'UP' ? 'up' : state === 'DOWN' ? 'down' : undefined;
}
