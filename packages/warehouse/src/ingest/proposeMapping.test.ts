import type { Section } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import { HEADER_LANGUAGES } from './headerNames.ts';
import { type ColumnProfile, proposeMapping, valueKind } from './proposeMapping.ts';

describe('proposeMapping', () => {
  it('recognises an ERP order export', () => {
    expect(
      proposeMapping(['Invoice', 'Customer ID', 'InvoiceDate', 'Revenue', 'Channel'], 'orders.csv'),
    ).toMatchObject({
      section: 'purchases',
      columns: {
        order_id: 'Invoice',
        customer_id: 'Customer ID',
        order_date: 'InvoiceDate',
        amount: 'Revenue',
        channel: 'Channel',
      },
      confidence: 1,
    });
  });

  it('recognises a line-item export where amount is quantity × unit price', () => {
    const proposal = proposeMapping([
      'InvoiceNo',
      'StockCode',
      'Description',
      'Quantity',
      'InvoiceDate',
      'UnitPrice',
      'CustomerID',
      'Country',
    ]);
    expect(proposal.section).toBe('purchases');
    expect(proposal.columns).toMatchObject({
      order_id: 'InvoiceNo',
      customer_id: 'CustomerID',
      order_date: 'InvoiceDate',
      quantity: 'Quantity',
      unit_price: 'UnitPrice',
      region: 'Country',
    });
    expect(proposal.columns.amount).toBeUndefined();
    expect(proposal.confidence).toBe(1);
  });

  it('recognises help-desk tickets, returns and a CRM customer list', () => {
    expect(
      proposeMapping(['Ticket', 'Customer ID', 'Opened', 'Closed', 'Category', 'Severity']),
    ).toMatchObject({
      section: 'complaints',
      columns: {
        complaint_id: 'Ticket',
        customer_id: 'Customer ID',
        opened_at: 'Opened',
        resolved_at: 'Closed',
        severity: 'Severity',
      },
    });
    expect(proposeMapping(['Return ID', 'Invoice', 'Customer ID', 'Returned', 'Refund'])).toMatchObject({
      section: 'returns',
      columns: {
        return_id: 'Return ID',
        order_id: 'Invoice',
        customer_id: 'Customer ID',
        returned_at: 'Returned',
      },
    });
    expect(
      proposeMapping(['Customer ID', 'Full Name', 'E-mail', 'Telephone', 'Region', 'Signup', 'May Call']),
    ).toMatchObject({
      section: 'customers',
      columns: {
        customer_id: 'Customer ID',
        name: 'Full Name',
        email: 'E-mail',
        phone: 'Telephone',
        signup_date: 'Signup',
        contact_consent: 'May Call',
      },
    });
  });

  it('uses each header once and says how sure it is', () => {
    const proposal = proposeMapping(['Date', 'Total']);
    expect(new Set(Object.values(proposal.columns)).size).toBe(Object.values(proposal.columns).length);
    expect(proposal.confidence).toBeLessThan(1);
  });

  it('proposes columns for every section, for when the user picks another', () => {
    const proposal = proposeMapping(['Kundennummer', 'Rechnungsnummer', 'Datum', 'Betrag']);
    expect(proposal.section).toBe('purchases');
    expect(proposal.sections.returns.columns).toMatchObject({
      customer_id: 'Kundennummer',
      order_id: 'Rechnungsnummer',
      returned_at: 'Datum',
      amount: 'Betrag',
    });
  });
});

/** Exports as each language writes them: header → canonical column. */
const EXPORTS: Record<(typeof HEADER_LANGUAGES)[number], Record<Section, Record<string, string>>> = {
  en: {
    purchases: {
      'Order No': 'order_id',
      'Customer Number': 'customer_id',
      'Order Date': 'order_date',
      'Line Total': 'amount',
      Qty: 'quantity',
      'Unit Price': 'unit_price',
      'Product Name': 'product',
      Department: 'category',
      'Sales Channel': 'channel',
      Country: 'region',
    },
    customers: {
      'Client ID': 'customer_id',
      'Full Name': 'name',
      'Email Address': 'email',
      'Phone Number': 'phone',
      'Registration Date': 'signup_date',
      'Marketing Consent': 'contact_consent',
    },
    complaints: {
      'Case Number': 'complaint_id',
      'Customer ID': 'customer_id',
      'Date Created': 'opened_at',
      'Resolution Date': 'resolved_at',
      Priority: 'severity',
    },
    returns: {
      'RMA No': 'return_id',
      'Order ID': 'order_id',
      'Customer ID': 'customer_id',
      'Return Date': 'returned_at',
      Amount: 'amount',
    },
  },
  de: {
    purchases: {
      Rechnungsnummer: 'order_id',
      'Kunden-Nr.': 'customer_id',
      Rechnungsdatum: 'order_date',
      'Umsatz (EUR)': 'amount',
      Menge: 'quantity',
      Einzelpreis: 'unit_price',
      Artikelbezeichnung: 'product',
      Warengruppe: 'category',
      Vertriebskanal: 'channel',
      Bundesland: 'region',
    },
    customers: {
      Kundennummer: 'customer_id',
      'Vor- und Nachname': 'name',
      'E-Mail-Adresse': 'email',
      Telefonnummer: 'phone',
      'Registriert am': 'signup_date',
      Werbeeinwilligung: 'contact_consent',
    },
    complaints: {
      Reklamationsnummer: 'complaint_id',
      Kundennummer: 'customer_id',
      'Eröffnet am': 'opened_at',
      'Gelöst am': 'resolved_at',
      Schweregrad: 'severity',
    },
    returns: {
      Retourennummer: 'return_id',
      Bestellnummer: 'order_id',
      Kundennummer: 'customer_id',
      Rücksendedatum: 'returned_at',
      Gutschriftsbetrag: 'amount',
    },
  },
  fr: {
    purchases: {
      'N° commande': 'order_id',
      'Numéro client': 'customer_id',
      'Date de commande': 'order_date',
      'Montant TTC': 'amount',
      Quantité: 'quantity',
      'Prix unitaire': 'unit_price',
      Désignation: 'product',
      Catégorie: 'category',
      'Canal de vente': 'channel',
      Pays: 'region',
    },
    customers: {
      'Code client': 'customer_id',
      'Nom complet': 'name',
      Courriel: 'email',
      Téléphone: 'phone',
      "Date d'inscription": 'signup_date',
      Consentement: 'contact_consent',
    },
    complaints: {
      'N° réclamation': 'complaint_id',
      'ID client': 'customer_id',
      'Ouvert le': 'opened_at',
      'Résolu le': 'resolved_at',
      Gravité: 'severity',
    },
    returns: {
      'Numéro de retour': 'return_id',
      'Numéro de commande': 'order_id',
      'ID client': 'customer_id',
      'Date de retour': 'returned_at',
      Montant: 'amount',
    },
  },
  es: {
    purchases: {
      'Nº pedido': 'order_id',
      'Código cliente': 'customer_id',
      'Fecha de pedido': 'order_date',
      Importe: 'amount',
      Cantidad: 'quantity',
      'Precio unitario': 'unit_price',
      Producto: 'product',
      Categoría: 'category',
      Canal: 'channel',
      Provincia: 'region',
    },
    customers: {
      'ID cliente': 'customer_id',
      'Nombre completo': 'name',
      'Correo electrónico': 'email',
      Teléfono: 'phone',
      'Fecha de alta': 'signup_date',
      Consentimiento: 'contact_consent',
    },
    complaints: {
      'Nº reclamación': 'complaint_id',
      'ID cliente': 'customer_id',
      'Fecha de apertura': 'opened_at',
      'Fecha de cierre': 'resolved_at',
      Prioridad: 'severity',
    },
    returns: {
      'ID devolución': 'return_id',
      'Número de pedido': 'order_id',
      'ID cliente': 'customer_id',
      'Fecha de devolución': 'returned_at',
      'Importe total': 'amount',
    },
  },
  nl: {
    purchases: {
      Factuurnummer: 'order_id',
      Klantnummer: 'customer_id',
      Factuurdatum: 'order_date',
      Bedrag: 'amount',
      Aantal: 'quantity',
      Stukprijs: 'unit_price',
      Omschrijving: 'product',
      Productgroep: 'category',
      Verkoopkanaal: 'channel',
      Regio: 'region',
    },
    customers: {
      Klantnummer: 'customer_id',
      Naam: 'name',
      'E-mailadres': 'email',
      Telefoonnummer: 'phone',
      'Klant sinds': 'signup_date',
      'Mag bellen': 'contact_consent',
    },
    complaints: {
      Klachtnummer: 'complaint_id',
      Klantnummer: 'customer_id',
      'Geopend op': 'opened_at',
      'Opgelost op': 'resolved_at',
      Prioriteit: 'severity',
    },
    returns: {
      Retournummer: 'return_id',
      Ordernummer: 'order_id',
      Klantnummer: 'customer_id',
      Retourdatum: 'returned_at',
      Bedrag: 'amount',
    },
  },
  it: {
    purchases: {
      'Numero ordine': 'order_id',
      'Codice cliente': 'customer_id',
      'Data ordine': 'order_date',
      Importo: 'amount',
      Quantità: 'quantity',
      'Prezzo unitario': 'unit_price',
      Articolo: 'product',
      Categoria: 'category',
      Canale: 'channel',
      Regione: 'region',
    },
    customers: {
      'Codice cliente': 'customer_id',
      Nominativo: 'name',
      'E-mail': 'email',
      Cellulare: 'phone',
      'Data iscrizione': 'signup_date',
      'Consenso marketing': 'contact_consent',
    },
    complaints: {
      'Numero reclamo': 'complaint_id',
      'Codice cliente': 'customer_id',
      'Data apertura': 'opened_at',
      'Data chiusura': 'resolved_at',
      Gravità: 'severity',
    },
    returns: {
      'Numero reso': 'return_id',
      'Numero ordine': 'order_id',
      'Codice cliente': 'customer_id',
      'Data reso': 'returned_at',
      Importo: 'amount',
    },
  },
  pt: {
    purchases: {
      'Número do pedido': 'order_id',
      'Código do cliente': 'customer_id',
      'Data do pedido': 'order_date',
      'Valor total': 'amount',
      Quantidade: 'quantity',
      'Preço unitário': 'unit_price',
      Produto: 'product',
      Categoria: 'category',
      'Canal de venda': 'channel',
      Região: 'region',
    },
    customers: {
      'ID do cliente': 'customer_id',
      'Nome completo': 'name',
      'E-mail': 'email',
      Telemóvel: 'phone',
      'Data de cadastro': 'signup_date',
      Consentimento: 'contact_consent',
    },
    complaints: {
      'Número da reclamação': 'complaint_id',
      'ID do cliente': 'customer_id',
      'Data de abertura': 'opened_at',
      'Data de resolução': 'resolved_at',
      Prioridade: 'severity',
    },
    returns: {
      'Número da devolução': 'return_id',
      'Número do pedido': 'order_id',
      'ID do cliente': 'customer_id',
      'Data da devolução': 'returned_at',
      Valor: 'amount',
    },
  },
  el: {
    purchases: {
      'Αριθμός παραγγελίας': 'order_id',
      'Κωδικός πελάτη': 'customer_id',
      'Ημερομηνία παραγγελίας': 'order_date',
      Ποσό: 'amount',
      Ποσότητα: 'quantity',
      'Τιμή μονάδας': 'unit_price',
      Προϊόν: 'product',
      Κατηγορία: 'category',
      Κανάλι: 'channel',
      Περιοχή: 'region',
    },
    customers: {
      'Κωδικός πελάτη': 'customer_id',
      Ονοματεπώνυμο: 'name',
      Email: 'email',
      Τηλέφωνο: 'phone',
      'Ημερομηνία εγγραφής': 'signup_date',
      Συγκατάθεση: 'contact_consent',
    },
    complaints: {
      'Αριθμός παραπόνου': 'complaint_id',
      'Κωδικός πελάτη': 'customer_id',
      'Ημερομηνία ανοίγματος': 'opened_at',
      'Ημερομηνία επίλυσης': 'resolved_at',
      Σοβαρότητα: 'severity',
    },
    returns: {
      'Αριθμός επιστροφής': 'return_id',
      'Αριθμός παραγγελίας': 'order_id',
      'Κωδικός πελάτη': 'customer_id',
      'Ημερομηνία επιστροφής': 'returned_at',
      Ποσό: 'amount',
    },
  },
  fi: {
    purchases: {
      Tilausnumero: 'order_id',
      Asiakasnumero: 'customer_id',
      Tilauspäivä: 'order_date',
      Summa: 'amount',
      Määrä: 'quantity',
      Yksikköhinta: 'unit_price',
      Tuote: 'product',
      Tuoteryhmä: 'category',
      Myyntikanava: 'channel',
      Alue: 'region',
    },
    customers: {
      Asiakasnumero: 'customer_id',
      Nimi: 'name',
      Sähköposti: 'email',
      Puhelin: 'phone',
      Liittymispäivä: 'signup_date',
      Markkinointilupa: 'contact_consent',
    },
    complaints: {
      Reklamaationumero: 'complaint_id',
      Asiakasnumero: 'customer_id',
      Avattu: 'opened_at',
      Ratkaistu: 'resolved_at',
      Vakavuus: 'severity',
    },
    returns: {
      Palautusnumero: 'return_id',
      Tilausnumero: 'order_id',
      Asiakasnumero: 'customer_id',
      Palautuspäivä: 'returned_at',
      Summa: 'amount',
    },
  },
  fa: {
    purchases: {
      'شماره سفارش': 'order_id',
      'کد مشتری': 'customer_id',
      'تاریخ سفارش': 'order_date',
      مبلغ: 'amount',
      تعداد: 'quantity',
      'قیمت واحد': 'unit_price',
      'نام کالا': 'product',
      دسته‌بندی: 'category',
      'کانال فروش': 'channel',
      استان: 'region',
    },
    customers: {
      'کد مشتری': 'customer_id',
      'نام و نام خانوادگی': 'name',
      ایمیل: 'email',
      'شماره تلفن': 'phone',
      'تاریخ عضویت': 'signup_date',
      'رضایت تماس': 'contact_consent',
    },
    complaints: {
      'شماره شکایت': 'complaint_id',
      'کد مشتری': 'customer_id',
      'تاریخ ثبت': 'opened_at',
      'تاریخ حل': 'resolved_at',
      اولویت: 'severity',
    },
    returns: {
      'شماره مرجوعی': 'return_id',
      'شماره سفارش': 'order_id',
      'کد مشتری': 'customer_id',
      'تاریخ مرجوعی': 'returned_at',
      مبلغ: 'amount',
    },
  },
};

describe('proposeMapping in the languages of retail exports', () => {
  const cases = HEADER_LANGUAGES.flatMap((language) =>
    (Object.entries(EXPORTS[language]) as Array<[Section, Record<string, string>]>).map(
      ([section, headers]) => [language, section, headers] as const,
    ),
  );

  it.each(cases)('%s: %s', (_language, section, headers) => {
    const proposal = proposeMapping(Object.keys(headers));
    const expected = Object.fromEntries(
      Object.entries(headers).map(([header, canonical]) => [canonical, header]),
    );
    expect(proposal.section).toBe(section);
    expect(proposal.columns).toEqual(expected);
    expect(proposal.confidence).toBe(1);
  });

  it('ignores accents, case, spacing, underscores and punctuation', () => {
    const proposal = proposeMapping([
      'BESTELL_NR',
      '  kunden   nummer ',
      'rechnungs-datum',
      'UMSATZ',
      'e_mail',
    ]);
    expect(proposal.columns).toMatchObject({
      order_id: 'BESTELL_NR',
      customer_id: '  kunden   nummer ',
      order_date: 'rechnungs-datum',
      amount: 'UMSATZ',
    });
    expect(proposeMapping(['NUMERO CLIENT', 'Telefono', 'CORREO_ELECTRONICO']).columns).toMatchObject({
      customer_id: 'NUMERO CLIENT',
      phone: 'Telefono',
      email: 'CORREO_ELECTRONICO',
    });
    // Greek with and without accents, Persian with Arabic letters (ي, ك).
    expect(proposeMapping(['ΚΩΔΙΚΟΣ ΠΕΛΑΤΗ', 'ΤΗΛΕΦΩΝΟ']).columns).toMatchObject({
      customer_id: 'ΚΩΔΙΚΟΣ ΠΕΛΑΤΗ',
      phone: 'ΤΗΛΕΦΩΝΟ',
    });
    expect(proposeMapping(['كد مشتري', 'ايميل']).columns).toMatchObject({
      customer_id: 'كد مشتري',
      email: 'ايميل',
    });
  });
});

/** A profile of `values` non-blank values, all of one shape unless said otherwise. */
function profile(values: number, shape: Partial<ColumnProfile>): ColumnProfile {
  return {
    values,
    distinct: values,
    dates: 0,
    emails: 0,
    phones: 0,
    numbers: 0,
    twoDecimals: 0,
    integers: 0,
    smallIntegers: 0,
    yesNo: 0,
    ids: 0,
    ...shape,
  };
}

const DATES = profile(100, { distinct: 90, dates: 100 });
const EMAILS = profile(100, { emails: 100, ids: 0 });
const PHONES = profile(100, { phones: 98 });
const MONEY = profile(100, { distinct: 80, numbers: 100, twoDecimals: 100 });
const UNIQUE_IDS = profile(100, { ids: 100 });
const REPEATED_IDS = profile(100, { distinct: 31, ids: 100 });
const TEXT = profile(100, { distinct: 12 });

describe('proposeMapping from the values', () => {
  it('tells the kinds of values apart', () => {
    expect([DATES, EMAILS, PHONES, MONEY, UNIQUE_IDS, REPEATED_IDS, TEXT].map(valueKind)).toEqual([
      'date',
      'email',
      'phone',
      'money',
      'id',
      'id',
      'text',
    ]);
    expect(valueKind(profile(100, { distinct: 2, yesNo: 100, integers: 100, smallIntegers: 100 }))).toBe(
      'yesNo',
    );
    expect(valueKind(profile(100, { distinct: 9, integers: 100, smallIntegers: 100, numbers: 100 }))).toBe(
      'count',
    );
    expect(valueKind(profile(0, {}))).toBeNull();
  });

  it('maps headers it does not know: ids seen once and repeated, dates, amounts with two decimals', () => {
    const proposal = proposeMapping(
      ['Spalte 1', 'Spalte 2', 'Spalte 3', 'Spalte 4', 'Spalte 5'],
      'export.csv',
      [UNIQUE_IDS, REPEATED_IDS, DATES, MONEY, TEXT],
    );
    expect(proposal).toMatchObject({
      section: 'purchases',
      columns: { order_id: 'Spalte 1', customer_id: 'Spalte 2', order_date: 'Spalte 3', amount: 'Spalte 4' },
      confidence: 1,
    });
  });

  it('maps a customer list by its e-mail addresses and phone numbers', () => {
    const proposal = proposeMapping(['Nr', 'Kontakt', 'Ruf', 'Seit'], 'crm.csv', [
      UNIQUE_IDS,
      EMAILS,
      PHONES,
      DATES,
    ]);
    expect(proposal).toMatchObject({
      section: 'customers',
      columns: { customer_id: 'Nr', email: 'Kontakt', phone: 'Ruf', signup_date: 'Seit' },
    });
  });

  it('gives the first date column to the opening, the second to the resolution', () => {
    const proposal = proposeMapping(['Vorgang', 'Kunde', 'A', 'B'], 'tickets.csv', [
      UNIQUE_IDS,
      REPEATED_IDS,
      DATES,
      DATES,
    ]);
    expect(proposal).toMatchObject({
      section: 'complaints',
      columns: { complaint_id: 'Vorgang', customer_id: 'Kunde', opened_at: 'A', resolved_at: 'B' },
    });
  });

  it('doubts a header whose values say otherwise', () => {
    // "Datum" over e-mail addresses is not the order date; the real dates are in "Zeit".
    const proposal = proposeMapping(
      ['Bestellnummer', 'Kundennummer', 'Datum', 'Zeit', 'Betrag'],
      'orders.csv',
      [UNIQUE_IDS, REPEATED_IDS, EMAILS, DATES, MONEY],
    );
    expect(proposal.columns.order_date).toBe('Zeit');
  });

  it('keeps a known header over values that would fit another column', () => {
    const proposal = proposeMapping(['Order ID', 'Customer', 'Date', 'Refund', 'Amount'], 'orders.csv', [
      UNIQUE_IDS,
      REPEATED_IDS,
      DATES,
      MONEY,
      MONEY,
    ]);
    expect(proposal.columns.amount).toBe('Amount');
  });
});
