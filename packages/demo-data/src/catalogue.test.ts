import { describe, expect, it } from 'vitest';
import { catalogue } from './catalogue.ts';
import { productCategories } from './parameters.ts';

describe('catalogue', () => {
  it('lists every category cheapest first, with ASCII names the byte writer can copy', () => {
    for (const category of productCategories) {
      const products = catalogue[category];
      expect(products.length).toBeGreaterThan(4);
      for (let i = 1; i < products.length; i++) {
        expect(products[i]?.priceCents).toBeGreaterThan(products[i - 1]?.priceCents ?? 0);
      }
      for (const product of products) {
        expect(product.csvName).toMatch(/^[\x20-\x7e]+$/);
        expect(product.category).toBe(category);
        expect(product.priceCents % 100).toBe(99);
      }
    }
    expect(catalogue.Electronics.map((p) => p.csvName)).toContain('"27"" 4K Monitor"');
  });
});
