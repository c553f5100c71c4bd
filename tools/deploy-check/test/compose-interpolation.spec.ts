import { interpolate, MissingVariableError, variableUses } from '../src/compose';

describe('interpolate', () => {
  const vars = { SET: 'value', EMPTY: '' };

  it('replaces $VAR and ${VAR}, and leaves unset variables empty', () => {
    expect(interpolate('a=$SET b=${SET} c=${UNSET}.', vars)).toBe('a=value b=value c=.');
  });

  it('treats $$ as a literal dollar sign', () => {
    expect(interpolate('echo "$$SET" $${SET}', vars)).toBe('echo "$SET" ${SET}');
  });

  it('uses the :- default for unset and empty variables, the - default for unset ones only', () => {
    expect(interpolate('${UNSET:-d}|${EMPTY:-d}|${SET:-d}', vars)).toBe('d|d|value');
    expect(interpolate('${UNSET-d}|${EMPTY-d}', vars)).toBe('d|');
  });

  it('stops with the message of :? when the variable is unset or empty', () => {
    expect(() => interpolate('${EMPTY:?set EMPTY in .env}', vars)).toThrow(MissingVariableError);
    expect(() => interpolate('${UNSET:?set UNSET in .env}', vars)).toThrow('UNSET: set UNSET in .env');
    expect(interpolate('${EMPTY?must be defined}', vars)).toBe('');
    expect(interpolate('x${SET:?never}', vars)).toBe('xvalue');
  });

  it('substitutes :+ and + alternatives only when the variable is there', () => {
    expect(interpolate('${SET:+yes}|${EMPTY:+yes}|${EMPTY+yes}|${UNSET+yes}', vars)).toBe('yes||yes|');
  });

  it('lists the variables a value uses, skipping $$ escapes', () => {
    expect(variableUses('$$A ${B:?m} $C ${D:-x}')).toEqual([
      { name: 'B', operator: ':?', argument: 'm' },
      { name: 'C', operator: '', argument: '' },
      { name: 'D', operator: ':-', argument: 'x' },
    ]);
  });
});
