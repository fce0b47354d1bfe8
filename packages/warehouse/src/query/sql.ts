/**
 * SQL as text with its values beside it, never inside it. `sql` is the one way to write a statement:
 *
 *   sql`SELECT name FROM customers WHERE customer_id = ${id}`
 *
 * Interpolated values become bound parameters; an interpolated `Sql` is spliced in with its own
 * values, so fragments compose (`sql.join`, conditions built one by one); identifiers go through
 * `sql.ident`. The text is rendered for an engine by its dialect (placeholders, quoting) only when
 * the statement runs.
 */

/** A value a statement may bind. */
export type SqlParam = string | number | boolean | null;

export class Sql {
  /** `parts.length === values.length + 1`; value i sits between part i and part i + 1. */
  private constructor(
    readonly parts: readonly string[],
    readonly values: readonly SqlParam[],
  ) {}

  /** @internal Assembles a fragment from already-validated pieces. */
  static of(parts: readonly string[], values: readonly SqlParam[]): Sql {
    if (parts.length !== values.length + 1)
      throw new Error('an SQL fragment needs one more part than values');
    return new Sql(parts, values);
  }

  /** True when the fragment holds no text at all (e.g. an optional condition left out). */
  get isEmpty(): boolean {
    return this.values.length === 0 && (this.parts[0] ?? '') === '';
  }

  /** The text with `placeholder(i)` for the i-th value (0-based), for the engine that runs it. */
  render(placeholder: (index: number) => string): { text: string; values: SqlParam[] } {
    let text = this.parts[0] ?? '';
    for (let i = 0; i < this.values.length; i++) text += placeholder(i) + (this.parts[i + 1] ?? '');
    return { text, values: [...this.values] };
  }
}

/** What may go inside `${…}` of the tag: a value to bind or a fragment to splice in. */
export type SqlPiece = SqlParam | Sql;

function build(strings: readonly string[], pieces: readonly SqlPiece[]): Sql {
  const parts: string[] = [strings[0] ?? ''];
  const values: SqlParam[] = [];
  pieces.forEach((piece, i) => {
    const after = strings[i + 1] ?? '';
    if (piece instanceof Sql) {
      // Splice: the fragment's first part joins the current text, its last part starts the next.
      const [first = '', ...rest] = piece.parts;
      parts[parts.length - 1] += first;
      values.push(...piece.values);
      parts.push(...rest);
      parts[parts.length - 1] += after;
    } else {
      values.push(piece);
      parts.push(after);
    }
  });
  return Sql.of(parts, values);
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Tagged template: `sql\`… ${value} …\``. */
export const sql = Object.assign(
  (strings: TemplateStringsArray, ...pieces: SqlPiece[]): Sql => build(strings, pieces),
  {
    /** A quoted identifier (a table or column name that is not a constant of the code). */
    ident: (name: string): Sql => Sql.of([quoteIdent(name)], []),
    /** Several qualified identifiers (`schema.table`). */
    qualified: (...names: string[]): Sql => Sql.of([names.map(quoteIdent).join('.')], []),
    /**
     * SQL text written by this code base (a constant, or assembled from constants). Never pass text
     * that came from a user: values are bound with the tag, names quoted with `sql.ident`.
     */
    raw: (text: string): Sql => Sql.of([text], []),
    /** The fragments separated by `separator` (e.g. `, ` or ` AND `). */
    join: (fragments: readonly Sql[], separator = ', '): Sql => {
      const kept = fragments.filter((f) => !f.isEmpty);
      if (kept.length === 0) return Sql.of([''], []);
      const strings = ['', ...kept.slice(1).map(() => separator), ''];
      return build(strings, kept);
    },
    /** Nothing: an optional clause that is left out. */
    empty: Sql.of([''], []),
    /**
     * A statement written with named placeholders (`$end`, `$from`), as the analytics builders
     * assemble theirs from fixed fragments. Placeholders are the query layer's notation, not the
     * engine's: each becomes a bound value here. Names in `params` the text does not use are
     * ignored (builders share one set across statements); a name without a value is an error.
     */
    named: (text: string, params: Readonly<Record<string, SqlParam>>): Sql => {
      const parts: string[] = [];
      const values: SqlParam[] = [];
      let last = 0;
      for (const match of text.matchAll(NAMED_PLACEHOLDER)) {
        const name = match[1];
        if (name === undefined) continue; // quoted text or a quoted identifier
        if (!(name in params)) throw new Error(`SQL names $${name} but no value was given for it`);
        parts.push(text.slice(last, match.index));
        values.push(params[name] ?? null);
        last = (match.index ?? 0) + match[0].length;
      }
      parts.push(text.slice(last));
      return Sql.of(parts, values);
    },
  },
);

/** `$name` outside quoted text and identifiers; `$1`-style numbers are not names. */
const NAMED_PLACEHOLDER = /'(?:[^']|'')*'|"(?:[^"]|"")*"|\$([A-Za-z_]\w*)/g;
