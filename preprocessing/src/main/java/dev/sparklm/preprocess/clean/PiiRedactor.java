package dev.sparklm.preprocess.clean;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.DocumentStage;
import dev.sparklm.preprocess.StageCounters;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces e-mail addresses, IPv4/IPv6 addresses and phone numbers with placeholder tokens and
 * counts each kind ("pii.email", ...). The patterns favour precision: phone numbers need a
 * leading "+", parentheses or dash/dot separators, so years, sizes and version lists survive;
 * IPv6 needs a digit and two or more groups, so "Foo::Bar" and reST's "::" survive.
 */
public final class PiiRedactor implements DocumentStage {
    public static final String EMAIL_TOKEN = "<EMAIL>";
    public static final String IP_TOKEN = "<IP_ADDRESS>";
    public static final String PHONE_TOKEN = "<PHONE_NUMBER>";

    private static final Pattern EMAIL = Pattern.compile(
            "(?<![\\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\\.[A-Za-z]{2,24}(?![\\w-])");
    private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile("(?<![\\w.])" + OCTET + "(?:\\." + OCTET + "){3}(?![\\w]|\\.\\d)");
    private static final Pattern IPV6 = Pattern.compile(
            "(?<![\\w:])(?:[0-9A-Fa-f]{1,4}:){1,7}(?::|(?::[0-9A-Fa-f]{1,4}){1,6}|[0-9A-Fa-f]{1,4})(?![\\w:])"
                    + "|(?<![\\w:])::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}(?![\\w:])");
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\w+.-])(?:\\+\\d{1,3}[ .-]?(?:\\(\\d{1,4}\\)|\\d{1,4})[ .-]?\\d{2,4}[ .-]?\\d{2,4}(?:[ .-]?\\d{2,4})?"
                    + "|\\(\\d{3}\\)[ .-]?\\d{3}[ .-]\\d{4}"
                    + "|\\d{3}([.-])\\d{3}\\1\\d{4})(?![\\w-]|\\.\\d)");

    @Override
    public String name() {
        return "pii";
    }

    @Override
    public void apply(Document doc, StageCounters counters) {
        String s = doc.getText();
        if (s.indexOf('@') >= 0) {
            s = replace(s, EMAIL, EMAIL_FIRST, PiiRedactor::mayStartEmail, EMAIL_TOKEN, "pii.email", counters);
        }
        s = replace(s, IPV6, IPV6_FIRST, PiiRedactor::mayStartIpv6, IP_TOKEN, "pii.ipv6", counters);
        s = replace(s, IPV4, IPV4_FIRST, PiiRedactor::mayStartIpv4, IP_TOKEN, "pii.ipv4", counters);
        s = replace(s, PHONE, PHONE_FIRST, PiiRedactor::mayStartPhone, PHONE_TOKEN, "pii.phone", counters);
        doc.setText(s);
    }

    // The ASCII characters each pattern's match can begin with.
    private static final boolean[] EMAIL_FIRST = chars("0-9", "A-Z", "a-z");
    private static final boolean[] IPV6_FIRST = chars("0-9", "A-F", "a-f", "::");
    private static final boolean[] IPV4_FIRST = chars("0-9");
    private static final boolean[] PHONE_FIRST = chars("0-9", "++", "((");

    /** A table of the ASCII ranges given as "a-z" (or "xx" for one character). */
    private static boolean[] chars(String... ranges) {
        boolean[] table = new boolean[128];
        for (String r : ranges) {
            for (char c = r.charAt(0); c <= r.charAt(r.length() - 1); c++) {
                table[c] = true;
            }
        }
        return table;
    }

    /**
     * A cheap test that passes every index where the pattern's match could start (and few others),
     * asked only at a word's start whose character is in the pattern's table above: it checks the
     * rest of the pattern's lookbehind and the fixed beginning of its forms.
     */
    interface MatchStart {
        boolean at(String s, int i);
    }

    /**
     * Replaces what {@code Matcher.find} would find, but tries the pattern only where
     * {@code starts} allows: find() tries it, lookbehind first, at every character, which made
     * this the slowest stage (4 MB/s per core). Transparent bounds let the lookarounds see past
     * the region, so each match is the one find() reports.
     */
    static String replace(String s, Pattern p, boolean[] first, MatchStart starts, String token, String counter,
                          StageCounters counters) {
        Matcher m = null;
        StringBuilder out = null;
        boolean found = false;
        int copied = 0;
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            // Every pattern's lookbehind excludes a word character before the match: only a
            // word's start, with a character the pattern can begin with, is worth the test.
            char c = s.charAt(i);
            if (c >= 128 || !first[c] || (i > 0 && word(s.charAt(i - 1))) || !starts.at(s, i)) {
                continue;
            }
            if (m == null) {
                m = p.matcher(s).useTransparentBounds(true).useAnchoringBounds(false);
            }
            if (!m.region(i, s.length()).lookingAt()) {
                continue;
            }
            found = true;
            int end = m.end();
            if (p != IPV6 || plausibleIpv6(m.group())) {
                if (out == null) {
                    out = new StringBuilder(s.length());
                }
                out.append(s, copied, i).append(token);
                copied = end;
                n++;
            }
            i = end - 1;   // the next match starts after this one, as with find()
        }
        if (found) {
            counters.add(counter, n);
        }
        if (n == 0) {
            return s;
        }
        return out.append(s, copied, s.length()).toString();
    }

    /** [A-Za-z0-9_] (Java regex's \w). */
    private static boolean word(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean mayStartEmail(String s, int i) {
        char before = i > 0 ? s.charAt(i - 1) : ' ';
        if (before == '.' || before == '+' || before == '-') {
            return false;
        }
        // The local part, [A-Za-z0-9][A-Za-z0-9._%+-]{0,63}, must reach an '@'.
        for (int k = i + 1; k < Math.min(s.length(), i + 65); k++) {
            char d = s.charAt(k);
            if (d == '@') {
                return true;
            }
            if (!(word(d) || d == '.' || d == '%' || d == '+' || d == '-')) {
                return false;
            }
        }
        return false;
    }

    private static boolean mayStartIpv6(String s, int i) {
        if (i > 0 && s.charAt(i - 1) == ':') {
            return false;
        }
        // "h:h", "h::" (1 to 4 hex digits first) or "::h": every match begins with one of them.
        int k = i;
        while (k < s.length() && k - i < 4 && hex(s.charAt(k))) {
            k++;
        }
        if (k == i) {
            return s.startsWith("::", i) && i + 2 < s.length() && hex(s.charAt(i + 2));
        }
        return k + 1 < s.length() && s.charAt(k) == ':' && (hex(s.charAt(k + 1)) || s.charAt(k + 1) == ':');
    }

    private static boolean mayStartIpv4(String s, int i) {
        if (i > 0 && s.charAt(i - 1) == '.') {
            return false;
        }
        // Four runs of 1 to 3 digits joined by dots.
        int k = i;
        for (int group = 0; group < 4; group++) {
            if (group > 0) {
                if (k >= s.length() || s.charAt(k) != '.') {
                    return false;
                }
                k++;
            }
            int digits = 0;
            while (k < s.length() && digits < 3 && digit(s.charAt(k))) {
                k++;
                digits++;
            }
            if (digits == 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean mayStartPhone(String s, int i) {
        char c = s.charAt(i);
        char before = i > 0 ? s.charAt(i - 1) : ' ';
        if (before == '+' || before == '.' || before == '-') {
            return false;
        }
        // "+d...", "(ddd)..." or "ddd.ddd" / "ddd-ddd": the three forms' beginnings.
        if (c == '+') {
            return i + 1 < s.length() && digit(s.charAt(i + 1));
        }
        if (c == '(') {
            return digits(s, i + 1, 3) && i + 4 < s.length() && s.charAt(i + 4) == ')';
        }
        return digits(s, i, 3) && i + 3 < s.length() && (s.charAt(i + 3) == '.' || s.charAt(i + 3) == '-')
                && digits(s, i + 4, 3);
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Whether the {@code n} chars from {@code i} are all ASCII digits. */
    private static boolean digits(String s, int i, int n) {
        if (i + n > s.length()) {
            return false;
        }
        for (int k = i; k < i + n; k++) {
            if (!digit(s.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Eight groups, or "::" with two or more groups one of which has 3+ hex digits; and a digit
     * somewhere: "fe80::1" and "2001:db8::8a2e:370:7334", not times (12:30:45), Python slices
     * (a[10::20]), "a::b" or "::".
     */
    static boolean plausibleIpv6(String s) {
        int groups = 0;
        boolean digit = false;
        boolean longGroup = false;
        for (String g : s.split(":")) {
            if (!g.isEmpty()) {
                groups++;
                longGroup |= g.length() >= 3;
            }
            digit |= g.chars().anyMatch(Character::isDigit);
        }
        boolean compressed = s.contains("::");
        return digit && (compressed ? groups >= 2 && longGroup : groups == 8);
    }
}
