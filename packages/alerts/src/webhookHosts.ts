import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AlertInputError } from './errors.ts';

/**
 * Which hosts webhooks may target. An entry is `host`, `host:port` or `*.domain` (any subdomain);
 * a URL must match one. A host named exactly (or an IP address) is explicitly allowed even where it
 * is internal; a host matched only by a wildcard must resolve to public addresses, so that a name
 * under an allowed domain cannot be pointed at the server's own network.
 */
export interface HostMatch {
  entry: string;
  /** Named exactly rather than through a wildcard. */
  explicit: boolean;
}

/** Normalises and checks one entry of the allowed list. */
export function parseHostEntry(raw: string, field = 'webhookHosts'): string {
  const entry = raw.trim().toLowerCase();
  if (entry.includes('/'))
    throw new AlertInputError(
      field,
      `${field}: "${raw}" is not a host, host:port or *.domain (a host, not a URL: e.g. hooks.slack.com)`,
    );
  if (/^\*\.[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(entry)) return entry;
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(entry);
  if (bracketed && isIP(bracketed[1] ?? '') === 6) return checkPort(entry, bracketed[2], field, raw);
  const [host, port, ...rest] = entry.split(':');
  if (
    rest.length === 0 &&
    host &&
    (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host) || isIP(host) === 4)
  ) {
    return checkPort(entry, port, field, raw);
  }
  throw new AlertInputError(
    field,
    `${field}: "${raw}" is not a host, host:port or *.domain (e.g. hooks.slack.com, 10.0.0.5:8080, *.example.com)`,
  );
}

function checkPort(entry: string, port: string | undefined, field: string, raw: string): string {
  if (port === undefined) return entry;
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535)
    throw new AlertInputError(field, `${field}: "${raw}" has no valid port (1–65535)`);
  return entry;
}

/** Reads RETAIN_WEBHOOK_HOSTS: comma-separated entries; unset or empty means none. */
export function parseHostList(raw: string | undefined, field = 'RETAIN_WEBHOOK_HOSTS'): string[] {
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => parseHostEntry(s, field));
}

/** The URL a webhook may be given as, refused (naming `field`) unless http(s) on an allowed host. */
export function checkWebhookUrl(raw: string, allowed: readonly string[], field = 'webhook'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AlertInputError(field, `${field}: "${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AlertInputError(field, `${field}: "${raw}" is not an http or https URL`);
  if (url.username || url.password)
    throw new AlertInputError(
      field,
      `${field}: "${raw}" carries a user name or password; use the signing secret instead`,
    );
  if (!matchHost(url, allowed)) {
    throw new AlertInputError(
      field,
      `${field}: ${url.host} is not an allowed webhook host (${allowed.length === 0 ? 'none are allowed yet' : `allowed: ${allowed.join(', ')}`}); an admin adds hosts on the Alerts page's settings or with RETAIN_WEBHOOK_HOSTS`,
    );
  }
  return url;
}

const defaultPort = (url: URL) => (url.protocol === 'https:' ? '443' : '80');

/** The allowed entry a URL falls under, if any. */
export function matchHost(url: URL, allowed: readonly string[]): HostMatch | null {
  const host = url.hostname.toLowerCase();
  const port = url.port || defaultPort(url);
  for (const entry of allowed) {
    if (entry.startsWith('*.')) {
      if (host.endsWith(entry.slice(1)) && host.length > entry.length - 1) return { entry, explicit: false };
      continue;
    }
    const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(entry);
    const [entryHost, entryPort] = bracketed ? [bracketed[1], bracketed[2]] : entry.split(':');
    if (entryHost === host && (entryPort === undefined || entryPort === port))
      return { entry, explicit: true };
  }
  return null;
}

const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  internal.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  internal.addSubnet(net, prefix, 'ipv6');

/** Loopback, private, link-local, shared and reserved addresses (IPv4-mapped IPv6 included). */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return internal.check(mapped, 'ipv4');
  return internal.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Resolves the host of a webhook and returns the address to connect to, refusing internal
 * addresses unless the host was allowed by name (connecting to the address checked here, not to a
 * second lookup, so the name cannot change its answer in between).
 */
export async function resolveTarget(
  url: URL,
  allowed: readonly string[],
): Promise<{ address: string; family: 4 | 6 }> {
  const match = matchHost(url, allowed);
  if (!match) throw new Error(`${url.host} is no longer an allowed webhook host`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) as 4 | 6 }]
    : (await lookup(host, { all: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
  const first = addresses[0];
  if (!first) throw new Error(`${host} does not resolve`);
  if (!match.explicit && addresses.some((a) => isInternalAddress(a.address))) {
    throw new Error(
      `${host} resolves to an internal address (${addresses.find((a) => isInternalAddress(a.address))?.address}); allowed only when the host is listed by name, not through ${match.entry}`,
    );
  }
  return first;
}
