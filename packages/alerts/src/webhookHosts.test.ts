import { describe, expect, it } from 'vitest';
import {
  checkWebhookUrl,
  isInternalAddress,
  matchHost,
  parseHostEntry,
  parseHostList,
  resolveTarget,
} from './webhookHosts.ts';

describe('allowed webhook hosts', () => {
  it('reads RETAIN_WEBHOOK_HOSTS: hosts, host:port and *.domain, empty meaning none', () => {
    expect(parseHostList(' hooks.slack.com, 10.0.0.5:8080 ,*.Example.com')).toEqual([
      'hooks.slack.com',
      '10.0.0.5:8080',
      '*.example.com',
    ]);
    expect(parseHostList('')).toEqual([]);
    expect(parseHostList(undefined)).toEqual([]);
    expect(() => parseHostEntry('http://x.com', 'RETAIN_WEBHOOK_HOSTS')).toThrow(
      /RETAIN_WEBHOOK_HOSTS: "http:\/\/x.com" is not a host/,
    );
    expect(() => parseHostEntry('x.com:99999')).toThrow(/no valid port/);
  });

  it('matches a URL by host and port, the default port included', () => {
    const allowed = ['hooks.slack.com', 'receiver.local:8080', '*.example.com'];
    expect(matchHost(new URL('https://hooks.slack.com/services/T/B/X'), allowed)).toEqual({
      entry: 'hooks.slack.com',
      explicit: true,
    });
    expect(matchHost(new URL('http://receiver.local:8080/'), allowed)?.explicit).toBe(true);
    expect(matchHost(new URL('http://receiver.local:8081/'), allowed)).toBeNull();
    expect(matchHost(new URL('https://a.b.example.com/'), allowed)).toEqual({
      entry: '*.example.com',
      explicit: false,
    });
    expect(matchHost(new URL('https://example.com/'), allowed)).toBeNull();
    expect(matchHost(new URL('https://evilexample.com/'), allowed)).toBeNull();
  });

  it('refuses a URL that is not http(s), carries credentials, or is on no allowed host, naming the field', () => {
    expect(() => checkWebhookUrl('file:///etc/passwd', ['x.com'])).toThrow(
      /^webhook: "file:\/\/\/etc\/passwd" is not an http or https URL/,
    );
    expect(() => checkWebhookUrl('not a url', ['x.com'])).toThrow(/is not a URL/);
    expect(() => checkWebhookUrl('https://u:p@x.com/', ['x.com'])).toThrow(/user name or password/);
    expect(() => checkWebhookUrl('http://127.0.0.1:9/', [])).toThrow(/none are allowed yet/);
    expect(checkWebhookUrl('https://x.com/h', ['x.com']).toString()).toBe('https://x.com/h');
  });

  it('knows internal addresses, IPv4-mapped ones included', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '100.64.0.1',
    ])
      expect(isInternalAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '2606:4700::1111', '172.32.0.1']) expect(isInternalAddress(a), a).toBe(false);
  });

  it('connects to an internal address only when its host was allowed by name', async () => {
    await expect(resolveTarget(new URL('http://127.0.0.1:9/'), ['127.0.0.1:9'])).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
    });
    await expect(
      resolveTarget(new URL('http://localhost:9/'), ['*.localhost', 'localhost:9']),
    ).resolves.toMatchObject({ family: expect.any(Number) });
    // A wildcard never reaches the server's own network, whatever the name resolves to.
    await expect(resolveTarget(new URL('http://127.0.0.1:9/'), ['*.0.0.1'])).rejects.toThrow(
      /internal address/,
    );
  });
});
