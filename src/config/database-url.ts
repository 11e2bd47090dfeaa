/**
 * What makes a `database.url` unusable before any connection is tried: the wrong scheme for
 * the driver, a URL that does not parse, a port outside 1–65535, a `%` escape that does not
 * decode. Held by the `database/url` rule at check time and by the exporter on the resolved
 * URL. Messages never include the URL (it may hold a password).
 */

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

export function databaseUrlProblem(driver: unknown, url: string): string | undefined {
  if (driver === 'sqlite') {
    if (!/^(sqlite:|file:)/.test(url)) return 'a sqlite database takes url: sqlite:PATH';
    if (url.replace(/^(sqlite:(\/\/)?|file:)/, '') === '') return 'names no database file after sqlite:';
    return undefined;
  }
  if (!/^postgres(ql)?:\/\//.test(url)) return 'a postgres database takes url: postgres://…';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // What follows the host could be part of a password: it is named, never shown.
    return 'is not a valid URL: check the port (1-65535, digits only) and %-encode characters such as @ : / # in the user name and password';
  }
  if (parsed.port !== '' && Number(parsed.port) < 1) return `has port ${parsed.port}, outside 1-65535`;
  if (!decodes(parsed.username) || !decodes(parsed.password) || !decodes(parsed.pathname)) {
    return 'has a %-escape that does not decode';
  }
  return undefined;
}

/**
 * The URL `check` can judge in a config value: a literal, or the default of a value that is
 * one `${VAR:-default}`; undefined when it is only known at run time.
 */
export function staticDatabaseUrl(value: string): string | undefined {
  const whole = /^\$\{[A-Za-z_][A-Za-z0-9_]*:-(.*)\}$/.exec(value);
  if (whole) return whole[1]!.includes('${') ? undefined : whole[1];
  return value.includes('${') ? undefined : value;
}
