import { clientAddressKey } from './client-address';

describe('clientAddressKey', () => {
  it('keys IPv4 by address, IPv4-mapped IPv6 as the IPv4 it is', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('ip:203.0.113.7');
    expect(clientAddressKey('::ffff:203.0.113.7')).toBe('ip:203.0.113.7');
    expect(clientAddressKey(undefined)).toBe('ip:unknown');
  });

  it('keys IPv6 by its /64, however the address is written', () => {
    const key = 'ip6:2001:db8:0:12::/64';
    for (const address of [
      '2001:db8:0:12::1',
      '2001:0db8:0000:0012:ffff:1:2:3',
      '2001:DB8::12:0:0:0:9',
      '2001:db8:0:12::7%eth0',
    ]) {
      expect({ address, key: clientAddressKey(address) }).toEqual({ address, key });
    }
    expect(clientAddressKey('2001:db8:0:13::1')).not.toBe(key);
    expect(clientAddressKey('::1')).toBe('ip6:0:0:0:0::/64');
  });
});
