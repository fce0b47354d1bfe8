import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from './csv.ts';

describe('csv', () => {
  it('quotes fields with commas, quotes and line breaks, per RFC 4180', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', 'ünïcödé'])).toBe(
      'a,"b,c","say ""hi""","two\nlines",ünïcödé\r\n',
    );
  });

  it('neutralises text that a spreadsheet would run as a formula', () => {
    for (const bad of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx'])
      expect(csvField(bad).includes(`'${bad[0]}`)).toBe(true);
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });

  it('leaves numbers, booleans and empty values alone', () => {
    expect(csvLine([-3.5, 0, true, null, undefined, 12n])).toBe('-3.5,0,true,,,12\r\n');
  });

  it('can write text verbatim when asked', () => {
    expect(csvField('=raw', false)).toBe('=raw');
  });
});
