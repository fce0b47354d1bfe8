import { csvField } from './csvWriter.ts';
import { type ProductCategory, productCategories } from './parameters.ts';

export interface Product {
  name: string;
  /** The name as a CSV field (quoted where it holds a comma or a quote), computed once. */
  csvName: string;
  category: ProductCategory;
  /** List price in cents. */
  priceCents: number;
}

/**
 * Product names per category, cheapest first, and the category's price range. Prices are spread
 * geometrically over the range and end in .99; a few names hold commas and inch marks on purpose,
 * because real catalogues do and the CSV quoting must survive them.
 */
const assortment: Record<ProductCategory, { low: number; high: number; names: readonly string[] }> = {
  Apparel: {
    low: 7,
    high: 160,
    names: [
      'Cotton Socks, 3-Pack',
      'Basic Tee',
      'Striped Tank Top',
      'Linen Shirt',
      'Slim Chinos',
      'Denim Jeans',
      'Hooded Sweatshirt',
      'Summer Dress',
      'Merino Crew Sweater',
      'Rain Jacket',
      'Wool Blazer',
      'Down Parka',
    ],
  },
  Footwear: {
    low: 12,
    high: 220,
    names: [
      'Flip-Flops',
      'Canvas Sneakers',
      'Ballet Flats',
      'Running Shoes',
      'Trail Runners',
      'Chelsea Boots',
      'Leather Loafers',
      'Hiking Boots',
      'Winter Boots',
    ],
  },
  Electronics: {
    low: 9,
    high: 1400,
    names: [
      'USB-C Cable',
      'Phone Case',
      'Wireless Mouse',
      'Bluetooth Speaker',
      'Noise-Cancelling Earbuds',
      'Smart Watch',
      'E-Reader',
      '27" 4K Monitor',
      'Tablet 11"',
      'Espresso Machine',
      'Laptop 14"',
    ],
  },
  Home: {
    low: 5,
    high: 900,
    names: [
      'Scented Candle',
      'Tea Towels, Set of 2',
      'Ceramic Mug',
      'Cushion Cover',
      'Bath Towel',
      'Table Lamp',
      'Duvet Cover',
      'Cast-Iron Pan',
      'Area Rug',
      'Oak Side Table',
      'Armchair',
      'Sofa, 3-Seater',
    ],
  },
  Beauty: {
    low: 4,
    high: 120,
    names: [
      'Lip Balm',
      'Hand Cream',
      'Shampoo',
      'Face Mask, Pack of 5',
      'Day Cream',
      'Eau de Toilette',
      'Hair Dryer',
      'Perfume 100 ml',
    ],
  },
  Grocery: {
    low: 2,
    high: 45,
    names: [
      'Sea Salt Crisps',
      'Dark Chocolate',
      'Pasta, 1 kg',
      'Organic Coffee Beans',
      'Olive Oil',
      'Green Tea Selection',
      'Gourmet Hamper',
    ],
  },
  Sports: {
    low: 8,
    high: 700,
    names: [
      'Water Bottle',
      'Yoga Mat',
      'Resistance Bands',
      'Tennis Racket',
      'Football',
      'Dumbbell Set',
      'Camping Tent',
      'Road Bike Helmet',
      'Rowing Machine',
    ],
  },
  Toys: {
    low: 6,
    high: 180,
    names: [
      'Puzzle, 500 Pieces',
      'Plush Bear',
      'Card Game',
      'Building Blocks',
      'Board Game',
      'Remote-Control Car',
      'Wooden Dollhouse',
    ],
  },
  Books: {
    low: 6,
    high: 60,
    names: [
      'Paperback Novel',
      'Cookbook',
      "Children's Picture Book",
      'Travel Guide',
      'Hardcover Biography',
      'Art Book',
    ],
  },
};

function buildCatalogue(): Record<ProductCategory, readonly Product[]> {
  const catalogue = {} as Record<ProductCategory, readonly Product[]>;
  for (const category of productCategories) {
    const { low, high, names } = assortment[category];
    const steps = Math.max(1, names.length - 1);
    catalogue[category] = names.map((name, i) => {
      const price = low * (high / low) ** (i / steps);
      return {
        name,
        csvName: csvField(name),
        category,
        priceCents: Math.max(99, Math.round(price) * 100 - 1),
      };
    });
  }
  return catalogue;
}

/** Products by category, each list sorted by price so that a rank picks a price tier. */
export const catalogue: Readonly<Record<ProductCategory, readonly Product[]>> = buildCatalogue();
