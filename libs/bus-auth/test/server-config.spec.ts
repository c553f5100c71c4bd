import { inspect } from 'node:util';
import { UserCredential, renderServerAuthConfig } from '@mirror/bus-auth';

describe(renderServerAuthConfig.name, () => {
  it('renders operator mode with the full resolver and the accounts preloaded', () => {
    const sut = renderServerAuthConfig({
      operatorJwt: 'eyJop.x.y',
      systemAccount: 'ASYS',
      accountJwts: { AAPP: 'eyJapp.x.y', ASYS: 'eyJsys.x.y' },
      resolverDir: '/data/jwt',
    });
    expect(sut).toContain('operator: "eyJop.x.y"');
    expect(sut).toContain('system_account: ASYS');
    expect(sut).toMatch(/resolver: \{\n {2}type: full\n {2}dir: "\/data\/jwt"\n {2}allow_delete: false/);
    expect(sut).toContain('  AAPP: "eyJapp.x.y"\n  ASYS: "eyJsys.x.y"\n');
  });
});

describe(UserCredential.name, () => {
  const seed = 'SUAEXAMPLESEEDEXAMPLESEEDEXAMPLESEEDEXAMPLESEEDEXAMPLE';
  const sut = new UserCredential('mirror-m-1', 'UPUBLIC', 'eyJ.a.b', '_INBOX_m-1', `jwt\n${seed}\n`);

  it('hands out the creds content on request', () => {
    expect(sut.creds).toContain(seed);
  });

  it('shows neither the seed nor the creds when logged or serialised', () => {
    expect(JSON.stringify(sut)).not.toContain(seed);
    expect(inspect(sut)).not.toContain(seed);
    expect(JSON.stringify({ ...sut })).not.toContain(seed);
    expect(JSON.parse(JSON.stringify(sut))).toEqual({
      name: 'mirror-m-1',
      publicKey: 'UPUBLIC',
      inboxPrefix: '_INBOX_m-1',
    });
  });
});
