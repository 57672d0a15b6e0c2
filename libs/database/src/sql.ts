/**
 * A small SQL builder: the text and its parameters are assembled together, so nobody numbers a
 * `$n` by hand. Two ways to use it:
 *
 * - `sql` tagged templates compose: a value becomes a parameter, a nested `Sql` fragment is inlined
 *   and its parameters renumbered, `sql.raw` inlines trusted text (a column list, an ORDER BY).
 *   `db.query(ctx, sql`SELECT … WHERE id = ${id}`)` runs it.
 * - `SqlParams` binds values one by one while a WHERE list grows (`where.push(`x = ${p.add(v)}`)`),
 *   for code that builds the text with string operations; `p.values` are the parameters.
 *
 * `named()` turns `:name` placeholders into positional ones (one parameter per distinct name).
 */
export class Sql {
  /** @internal use the `sql` tag, `sql.raw`, `sql.join`. */
  constructor(
    private readonly strings: readonly string[],
    private readonly args: readonly unknown[],
  ) {}

  /** The statement text with `$1…$n` and its values; `params` continues an existing binder. */
  toQuery(params: SqlParams = new SqlParams()): { text: string; values: unknown[] } {
    const text = this.render(params);
    return { text, values: params.values };
  }

  /** Appends this fragment's values to `params` and returns its text with their numbers. */
  render(params: SqlParams): string {
    let text = this.strings[0];
    for (let i = 0; i < this.args.length; i++) {
      const arg = this.args[i];
      text += (arg instanceof Sql ? arg.render(params) : params.add(arg)) + this.strings[i + 1];
    }
    return text;
  }

  /** Whether the fragment has no text at all (an empty `sql.join`, `sql.empty`). */
  get isEmpty(): boolean {
    return this.args.length === 0 && this.strings.every((s) => s === '');
  }
}

/** Tagged template: `sql`SELECT * FROM tasks t WHERE t.id = ${id} AND ${scope}``. */
export function sql(strings: TemplateStringsArray, ...args: unknown[]): Sql {
  return new Sql([...strings], args);
}

/** Trusted text inlined as is (identifiers, column lists, sort orders) — never user input. */
sql.raw = (text: string): Sql => new Sql([text], []);

/** Fragments joined by a separator (`' AND '`, `', '`); an empty list gives `ifEmpty`. */
sql.join = (parts: readonly Sql[], separator: string, ifEmpty: Sql = sql.empty): Sql => {
  const kept = parts.filter((p) => !p.isEmpty);
  if (!kept.length) return ifEmpty;
  const strings = [''];
  for (let i = 1; i < kept.length; i++) strings.push(separator);
  strings.push('');
  return new Sql(strings, kept);
};

/** `cond1 AND cond2 …`, `TRUE` when there is none. */
sql.and = (parts: readonly Sql[]): Sql => sql.join(parts, ' AND ', sql.raw('TRUE'));

sql.empty = new Sql([''], []);

/**
 * A parameter binder: `add(v)` appends a value and returns its placeholder. Start it with the values
 * already bound (`new SqlParams(existing)`) to continue their numbering.
 */
export class SqlParams {
  readonly values: unknown[];

  constructor(values: unknown[] = []) {
    this.values = values;
  }

  /** The binder itself, or one continuing (and sharing) a plain array of values. */
  static of(params: SqlParams | unknown[]): SqlParams {
    return params instanceof SqlParams ? params : new SqlParams(params);
  }

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** The text of a fragment bound into these parameters. */
  sql(fragment: Sql): string {
    return fragment.render(this);
  }
}

/**
 * `:name` placeholders to positional ones: `named('… id = :id AND x = :x', { id, x })`. A name used
 * twice binds one parameter; a name without a value throws. `::casts` are left alone.
 */
export function named(
  text: string,
  values: Record<string, unknown>,
  params: SqlParams = new SqlParams(),
): { text: string; values: unknown[] } {
  const seen = new Map<string, string>();
  const out = text.replace(/(?<!:):([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`named SQL: no value for :${name}`);
    let placeholder = seen.get(name);
    if (!placeholder) {
      placeholder = params.add(values[name]);
      seen.set(name, placeholder);
    }
    return placeholder;
  });
  return { text: out, values: params.values };
}
