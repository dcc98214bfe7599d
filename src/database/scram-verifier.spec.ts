import { scramVerifier } from './scram-verifier';

describe('scramVerifier', () => {
  it("has pg_authid's form, and salts every verifier afresh", () => {
    const verifier = scramVerifier('pencil');
    expect(verifier).toMatch(
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
    );
    expect(scramVerifier('pencil')).not.toBe(verifier);
    const salt = Buffer.alloc(16, 7);
    expect(scramVerifier('pencil', salt)).toBe(scramVerifier('pencil', salt));
  });
});
