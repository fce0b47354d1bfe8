import type { History, HistoryLine } from './history.ts';

/*
 * Twenty customers whose every figure is worked out by hand in the tests. The data ends on
 * 2021-03-15 (F1's last order): March 2021, 2021-Q1 and ISO week 2021-W11 are incomplete.
 *
 *  id  first order (attributes)               later orders                          complaints / returns
 *  W1  2019-12-30 10 web North Books           2020-01-05 10, 2020-01-06 10          2019-12-30 is ISO 2020-W01; 01-05 too, 01-06 is W02
 *  L2  2020-02-28 10 store South Home          2020-02-29 10 (leap day)
 *  L1  2020-02-29 100 web South Home           2020-03-01 50, 2021-02-28 10
 *  N5  2020-05-01 60 web South Books           2020-08-01 60                         complaint 08-05, resolved in 1 day (not early)
 *  N1  2020-06-15 40 = 20 Toys + 20 Books      2020-11-20 40, 2021-01-10 40          tie between lines: Books (alphabetical)
 *      web Central
 *  N2  2020-09-10 25 (no category/channel/region)                                    return 2020-10-01 25
 *  N3  2020-10-05 30 app West Toys             2020-10-20 30, 2020-12-10 30          complaint 10-06, resolved in 1.5 days (early)
 *  N4  2020-11-11 100 store Central Home       2021-02-05 100                        return 2021-02-06 100
 *  A2  2020-12-01 200 store East Books         2021-02-14 100                        return 2020-12-05 50
 *  A3  2020-12-15 60 web East Books                                                  complaint 12-20, resolved in 1 day (early)
 *  N6  2020-12-24 10 web North Books
 *  A4  2020-12-28 25 = 10 Toys at 23:00 + 15 Home at 00:00+1d, app West: one order,  complaint 2021-01-25, unresolved
 *      dated by its earliest line, category of its largest line (Home)
 *                                              2021-01-20 25
 *  A1  2020-12-31 100 = 30 Books + 70 Toys     2021-01-03 50 (still 2020-W53),
 *      web North (Toys)                        2021-01-04 20 (2021-W01), 2021-03-10 40
 *  B1  2021-01-04 80 web North Toys            2021-02-01 80, 2021-03-01 80          return 2021-02-10 30
 *  B3  2021-01-15 100 web South Books
 *  B2  2021-01-31 23:59 40 store North Books   2021-02-01 00:01 40                   complaint 02-02, resolved in 6 days (early)
 *  F1  2021-02-10 50 web East Toys             2021-03-15 18:00 50 (the data's end)  complaint 02-11, resolved in 9 days (early)
 *  F2  2021-02-20 30 store East Books
 *  M2  2021-03-01 20 web North Books           2021-03-02 20
 *  M1  2021-03-15 20 web North Books
 */

type Attributes = Pick<HistoryLine, 'category' | 'channel' | 'region'>;

function order(
  orderId: string,
  customerId: string,
  orderDate: string,
  amount: number,
  attributes: Attributes = {},
): HistoryLine {
  return { orderId, customerId, orderDate, amount, ...attributes };
}

const at = (channel: string, region: string, category: string): Attributes => ({ channel, region, category });

export const HAND_FIXTURE: History = {
  lines: [
    order('W1-1', 'W1', '2019-12-30 10:00:00', 10, at('web', 'North', 'Books')),
    order('W1-2', 'W1', '2020-01-05 10:00:00', 10, at('web', 'North', 'Books')),
    order('W1-3', 'W1', '2020-01-06 10:00:00', 10, at('web', 'North', 'Books')),
    order('L2-1', 'L2', '2020-02-28 12:00:00', 10, at('store', 'South', 'Home')),
    order('L2-2', 'L2', '2020-02-29 08:00:00', 10, at('store', 'South', 'Home')),
    order('L1-1', 'L1', '2020-02-29 12:00:00', 100, at('web', 'South', 'Home')),
    order('L1-2', 'L1', '2020-03-01 09:00:00', 50, at('web', 'South', 'Home')),
    order('L1-3', 'L1', '2021-02-28 09:00:00', 10, at('web', 'South', 'Home')),
    order('N5-1', 'N5', '2020-05-01 10:00:00', 60, at('web', 'South', 'Books')),
    order('N5-2', 'N5', '2020-08-01 10:00:00', 60, at('web', 'South', 'Books')),
    order('N1-1', 'N1', '2020-06-15 10:00:00', 20, at('web', 'Central', 'Toys')),
    order('N1-1', 'N1', '2020-06-15 10:00:00', 20, at('web', 'Central', 'Books')),
    order('N1-2', 'N1', '2020-11-20 10:00:00', 40, at('web', 'Central', 'Toys')),
    order('N1-3', 'N1', '2021-01-10 10:00:00', 40, at('web', 'Central', 'Toys')),
    order('N2-1', 'N2', '2020-09-10 10:00:00', 25),
    order('N3-1', 'N3', '2020-10-05 10:00:00', 30, at('app', 'West', 'Toys')),
    order('N3-2', 'N3', '2020-10-20 10:00:00', 30, at('app', 'West', 'Toys')),
    order('N3-3', 'N3', '2020-12-10 10:00:00', 30, at('app', 'West', 'Toys')),
    order('N4-1', 'N4', '2020-11-11 10:00:00', 100, at('store', 'Central', 'Home')),
    order('N4-2', 'N4', '2021-02-05 10:00:00', 100, at('store', 'Central', 'Home')),
    order('A2-1', 'A2', '2020-12-01 09:00:00', 200, at('store', 'East', 'Books')),
    order('A2-2', 'A2', '2021-02-14 10:00:00', 100, at('store', 'East', 'Books')),
    order('A3-1', 'A3', '2020-12-15 11:00:00', 60, at('web', 'East', 'Books')),
    order('N6-1', 'N6', '2020-12-24 10:00:00', 10, at('web', 'North', 'Books')),
    order('A4-1', 'A4', '2020-12-28 23:00:00', 10, at('app', 'West', 'Toys')),
    order('A4-1', 'A4', '2020-12-29 01:00:00', 15, at('app', 'West', 'Home')),
    order('A4-2', 'A4', '2021-01-20 10:00:00', 25, at('app', 'West', 'Toys')),
    order('A1-1', 'A1', '2020-12-31 10:00:00', 30, at('web', 'North', 'Books')),
    order('A1-1', 'A1', '2020-12-31 10:00:00', 70, at('web', 'North', 'Toys')),
    order('A1-2', 'A1', '2021-01-03 12:00:00', 50, at('web', 'North', 'Toys')),
    order('A1-3', 'A1', '2021-01-04 09:00:00', 20, at('web', 'North', 'Toys')),
    order('A1-4', 'A1', '2021-03-10 09:00:00', 40, at('web', 'North', 'Toys')),
    order('B1-1', 'B1', '2021-01-04 09:00:00', 80, at('web', 'North', 'Toys')),
    order('B1-2', 'B1', '2021-02-01 09:00:00', 80, at('web', 'North', 'Toys')),
    order('B1-3', 'B1', '2021-03-01 09:00:00', 80, at('web', 'North', 'Toys')),
    order('B3-1', 'B3', '2021-01-15 12:00:00', 100, at('web', 'South', 'Books')),
    order('B2-1', 'B2', '2021-01-31 23:59:00', 40, at('store', 'North', 'Books')),
    order('B2-2', 'B2', '2021-02-01 00:01:00', 40, at('store', 'North', 'Books')),
    order('F1-1', 'F1', '2021-02-10 10:00:00', 50, at('web', 'East', 'Toys')),
    order('F1-2', 'F1', '2021-03-15 18:00:00', 50, at('web', 'East', 'Toys')),
    order('F2-1', 'F2', '2021-02-20 10:00:00', 30, at('store', 'East', 'Books')),
    order('M2-1', 'M2', '2021-03-01 10:00:00', 20, at('web', 'North', 'Books')),
    order('M2-2', 'M2', '2021-03-02 10:00:00', 20, at('web', 'North', 'Books')),
    order('M1-1', 'M1', '2021-03-15 09:00:00', 20, at('web', 'North', 'Books')),
  ],
  complaints: [
    {
      complaintId: 'K1',
      customerId: 'N5',
      openedAt: '2020-08-05 10:00:00',
      resolvedAt: '2020-08-06 10:00:00',
    },
    {
      complaintId: 'K2',
      customerId: 'N3',
      openedAt: '2020-10-06 10:00:00',
      resolvedAt: '2020-10-07 22:00:00',
    },
    {
      complaintId: 'K3',
      customerId: 'A3',
      openedAt: '2020-12-20 10:00:00',
      resolvedAt: '2020-12-21 10:00:00',
    },
    { complaintId: 'K4', customerId: 'A4', openedAt: '2021-01-25 10:00:00', resolvedAt: null },
    {
      complaintId: 'K5',
      customerId: 'B2',
      openedAt: '2021-02-02 09:00:00',
      resolvedAt: '2021-02-08 09:00:00',
    },
    {
      complaintId: 'K6',
      customerId: 'F1',
      openedAt: '2021-02-11 10:00:00',
      resolvedAt: '2021-02-20 10:00:00',
    },
  ],
  returns: [
    { returnId: 'R1', customerId: 'N2', returnedAt: '2020-10-01 10:00:00', amount: 25 },
    { returnId: 'R2', customerId: 'A2', returnedAt: '2020-12-05 10:00:00', amount: 50 },
    { returnId: 'R3', customerId: 'N4', returnedAt: '2021-02-06 10:00:00', amount: 100 },
    { returnId: 'R4', customerId: 'B1', returnedAt: '2021-02-10 10:00:00', amount: 30 },
  ],
};
