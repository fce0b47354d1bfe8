import { describe, expect, it } from 'vitest';
import { emailLocalPart, randomContact } from './names.ts';
import { Random } from './random.ts';

describe('names', () => {
  it('folds names to ASCII e-mail local parts', () => {
    expect(emailLocalPart('Björn')).toBe('bjorn');
    expect(emailLocalPart('Þóra')).toBe('thora');
    expect(emailLocalPart('Łęcka')).toBe('lecka');
    expect(emailLocalPart("O'Brien")).toBe('obrien');
    expect(emailLocalPart('Sigurðardóttir')).toBe('sigurdardottir');
  });

  it('makes unique e-mails and CSV-ready names', () => {
    const random = new Random(1, 0);
    const contacts = Array.from({ length: 2000 }, (_, i) => randomContact(random, i + 1));
    expect(new Set(contacts.map((c) => c.email)).size).toBe(2000);
    for (const { name, email } of contacts) {
      expect(email).toMatch(/^[a-z0-9.]+@[a-z.]+$/);
      if (/[",]/.test(name)) expect(name).toMatch(/^".*"$/);
    }
  });
});
