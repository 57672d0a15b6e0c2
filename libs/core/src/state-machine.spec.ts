import { IllegalTransitionError } from './errors';
import { StateMachine } from './state-machine';

describe('StateMachine', () => {
  const sut = new StateMachine<'a' | 'b' | 'c', 'go' | 'stop'>('thing', {
    go: { from: ['a'], to: 'b' },
    stop: { from: ['a', 'b'], to: 'c' },
  });

  it('answers the next state of an allowed move', () => {
    expect(sut.next('a', 'go')).toBe('b');
    expect(sut.next('b', 'stop')).toBe('c');
  });

  it('refuses a move that is not in the table, naming the current state', () => {
    expect(() => sut.next('c', 'go')).toThrow(IllegalTransitionError);
    try {
      sut.next('c', 'go');
    } catch (e) {
      expect((e as IllegalTransitionError).currentStatus).toBe('c');
    }
  });

  it('lists the sources of an action', () => {
    expect(sut.sourcesOf('stop')).toEqual(['a', 'b']);
    expect(sut.can('b', 'go')).toBe(false);
  });
});
