import { named, sql, Sql, SqlParams } from './sql';

describe('sql', () => {
  it('turns every value into a numbered parameter', () => {
    const id = 'a1';
    const q = sql`SELECT * FROM tasks t WHERE t.id = ${id} AND t.status = ${'done'}`.toQuery();
    expect(q).toEqual({
      text: 'SELECT * FROM tasks t WHERE t.id = $1 AND t.status = $2',
      values: ['a1', 'done'],
    });
  });

  it('renumbers nested fragments in the order they appear', () => {
    const scope = sql`t.region_id = ${'r1'}`;
    const filter = sql`t.kind = ${'install'}`;
    const q = sql`SELECT 1 FROM tasks t WHERE ${scope} AND ${filter} LIMIT ${10}`.toQuery();
    expect(q.text).toBe('SELECT 1 FROM tasks t WHERE t.region_id = $1 AND t.kind = $2 LIMIT $3');
    expect(q.values).toEqual(['r1', 'install', 10]);
  });

  it('binds a value once per use, arrays and nulls included', () => {
    const q = sql`${null} ${[1, 2]}::int[] ${null}`.toQuery();
    expect(q).toEqual({ text: '$1 $2::int[] $3', values: [null, [1, 2], null] });
  });

  it('inlines raw text without parameters', () => {
    const cols = sql.raw('t.id, t.status');
    expect(sql`SELECT ${cols} FROM tasks t WHERE t.id = ${'x'}`.toQuery()).toEqual({
      text: 'SELECT t.id, t.status FROM tasks t WHERE t.id = $1',
      values: ['x'],
    });
  });

  it('joins fragments, skipping empty ones, with a fallback for none', () => {
    const parts = [sql`a = ${1}`, sql.empty, sql`b = ${2}`];
    expect(sql.join(parts, ' AND ').toQuery()).toEqual({ text: 'a = $1 AND b = $2', values: [1, 2] });
    expect(sql.and([]).toQuery()).toEqual({ text: 'TRUE', values: [] });
    expect(sql`WHERE ${sql.and([sql`x = ${'y'}`])}`.toQuery().text).toBe('WHERE x = $1');
    expect(sql.join([], ', ').isEmpty).toBe(true);
  });

  it('continues the numbering of an existing binder', () => {
    const params = new SqlParams(['first']);
    const text = params.sql(sql`x = ${'second'}`);
    expect(text).toBe('x = $2');
    expect(params.values).toEqual(['first', 'second']);
    expect(sql`y = ${3}`.toQuery(params)).toEqual({ text: 'y = $3', values: ['first', 'second', 3] });
  });

  it('is a Sql value (what Db.query recognises)', () => {
    expect(sql`SELECT 1`).toBeInstanceOf(Sql);
  });
});

describe('SqlParams', () => {
  it('returns the placeholder of each value it adds', () => {
    const sut = new SqlParams();
    expect(sut.add('a')).toBe('$1');
    expect(sut.add('b')).toBe('$2');
    expect(sut.values).toEqual(['a', 'b']);
  });

  it('shares the array it was given, so older code keeps its params', () => {
    const params: unknown[] = [1];
    const sut = new SqlParams(params);
    expect(sut.add(2)).toBe('$2');
    expect(params).toEqual([1, 2]);
  });
});

describe('named', () => {
  it('maps names to positions, one parameter per distinct name', () => {
    expect(named('a = :id OR b = :id AND c = :other', { id: 7, other: 'x' })).toEqual({
      text: 'a = $1 OR b = $1 AND c = $2',
      values: [7, 'x'],
    });
  });

  it('leaves ::casts alone', () => {
    expect(named('SELECT :at::timestamptz, now()::date', { at: 't' })).toEqual({
      text: 'SELECT $1::timestamptz, now()::date',
      values: ['t'],
    });
  });

  it('refuses a name without a value', () => {
    expect(() => named('a = :missing', {})).toThrow(':missing');
  });
});
