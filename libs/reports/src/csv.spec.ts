import { toCsv } from './csv';

describe('toCsv', () => {
  it('writes a BOM, a header row, CRLF line ends and empty cells for null', () => {
    const sut = toCsv(['a', 'b', 'c'], [[1, 'x', null]]);
    expect(sut).toBe('\uFEFFa,b,c\r\n1,x,\r\n');
  });

  it('quotes cells with commas, quotes or line breaks, doubling inner quotes', () => {
    const sut = toCsv(['name'], [['北大, "East"'], ['two\nlines']]);
    expect(sut).toBe('\uFEFFname\r\n"北大, ""East"""\r\n"two\nlines"\r\n');
  });

  it('defuses text that a spreadsheet would run as a formula, but not negative numbers', () => {
    const sut = toCsv(['v'], [['=1+1'], ['@SUM(A1)'], [-5]]);
    expect(sut).toBe(`\uFEFFv\r\n"'=1+1"\r\n"'@SUM(A1)"\r\n-5\r\n`);
  });
});
