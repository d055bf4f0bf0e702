package dev.websocketchat.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code CHAT_TRUSTED_PROXIES}: reverse proxies by address ({@code 10.0.0.2}) or by network in
 * CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}). Immutable.
 */
public record TrustedProxies(Set<String> entries) {

    public static final TrustedProxies NONE = new TrustedProxies(Set.of());
    private static final Pattern IP_CHARACTERS = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** @throws IllegalArgumentException naming the first entry that is neither an address nor a network */
    public TrustedProxies {
        entries = Set.copyOf(entries);
        for (String entry : entries) {
            if (!isAddressOrNetwork(entry)) {
                throw new IllegalArgumentException("CHAT_TRUSTED_PROXIES must list IP addresses or networks such as 10.0.0.0/8, not '"
                        + entry + "'");
            }
        }
    }

    /** Whether the IP address is a listed proxy or inside a listed network. */
    public boolean contains(String ip) {
        if (entries.contains(ip)) {
            return true;
        }
        byte[] address = literal(ip);
        if (address == null) {
            return false;
        }
        for (String entry : entries) {
            int slash = entry.indexOf('/');
            if (slash > 0 && inNetwork(address, literal(entry.substring(0, slash)), Integer.parseInt(entry.substring(slash + 1)))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the text is an IP literal, without a DNS lookup. */
    public static boolean isIpLiteral(String text) {
        return literal(text) != null;
    }

    private static boolean isAddressOrNetwork(String entry) {
        int slash = entry.indexOf('/');
        byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash));
        if (address == null || slash < 0) {
            return address != null;
        }
        try {
            int prefix = Integer.parseInt(entry.substring(slash + 1));
            return prefix >= 0 && prefix <= address.length * 8;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean inNetwork(byte[] address, byte[] network, int prefix) {
        if (network == null || network.length != address.length) {
            return false;
        }
        int shift = address.length * 8 - prefix;
        return new BigInteger(1, address).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
    }

    /** The bytes of an IP literal; null for anything else. Names are refused before InetAddress could look one up. */
    private static byte[] literal(String text) {
        if (!IP_CHARACTERS.matcher(text).matches() || (!text.contains(":") && !IPV4.matcher(text).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }
}
