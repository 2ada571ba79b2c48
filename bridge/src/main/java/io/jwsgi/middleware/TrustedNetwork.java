package io.jwsgi.middleware;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address block that {@link ProxyFix} trusts: the first {@code bits} bits of {@code address}.
 *
 * @param address the network's address, 4 or 16 bytes
 * @param bits the prefix length
 */
record TrustedNetwork(byte[] address, int bits) {

    static TrustedNetwork parse(String text) {
        String s = text == null ? "" : text.trim();
        int slash = s.indexOf('/');
        byte[] address = literal(slash < 0 ? s : s.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("ProxyFix trusts IP addresses or CIDR networks (\"10.0.0.5\","
                    + " \"10.0.0.0/8\", \"fd00::/8\"), not host names; got \"" + text + "\"");
        }
        int bits = address.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("ProxyFix network \"" + text + "\" needs a prefix length of 0 to "
                        + address.length * 8 + " bits");
            }
        }
        return new TrustedNetwork(address, bits);
    }

    /** The bytes of an IPv4 or IPv6 literal, or {@code null} if the text is not one; never a DNS lookup. */
    static byte[] literal(String s) {
        if (s.isEmpty() || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return null;
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }
        try {
            // Only hex digits, dots and colons got here: a literal, which getByName parses without DNS.
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    boolean contains(byte[] candidate) {
        byte[] a = candidate;
        if (a.length == 16 && address.length == 4 && isMappedV4(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != address.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != address[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (address[full] & mask);
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedNetwork n && n.bits == bits && Arrays.equals(n.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + bits;
    }

    @Override
    public String toString() {
        return Arrays.toString(address) + "/" + bits;
    }
}
