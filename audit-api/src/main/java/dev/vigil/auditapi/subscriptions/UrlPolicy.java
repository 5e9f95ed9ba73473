package dev.vigil.auditapi.subscriptions;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which webhook targets are allowed: http(s) only, and (against server-side request forgery) no
 * host that resolves to a loopback, link-local (cloud metadata lives there), site-local, wildcard
 * or multicast address, unless the operator allows private targets. Checked when the subscription
 * is made and again before every attempt, since DNS can change in between.
 */
public final class UrlPolicy {

    private final boolean allowPrivate;

    public UrlPolicy(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** Null when the URL may be called, else why not. */
    public String refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "url is not a valid URI.";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "url must be an http or https URL.";
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return "url must name a host.";
        }
        if (uri.getRawUserInfo() != null) {
            return "url must not carry credentials.";
        }
        if (allowPrivate) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            return "url host " + uri.getHost() + " does not resolve.";
        }
        for (InetAddress a : addresses) {
            if (a.isLoopbackAddress()
                    || a.isLinkLocalAddress()
                    || a.isSiteLocalAddress()
                    || a.isAnyLocalAddress()
                    || a.isMulticastAddress()
                    || isUniqueLocalV6(a)) {
                return "url host " + uri.getHost() + " resolves to a private or local address; webhooks go to"
                        + " public receivers only.";
            }
        }
        return null;
    }

    private static boolean isUniqueLocalV6(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 16 && (b[0] & 0xfe) == 0xfc;
    }
}
