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
            s = replace(s, EMAIL, EMAIL_TOKEN, "pii.email", counters);
        }
        s = replace(s, IPV6, IP_TOKEN, "pii.ipv6", counters);
        s = replace(s, IPV4, IP_TOKEN, "pii.ipv4", counters);
        s = replace(s, PHONE, PHONE_TOKEN, "pii.phone", counters);
        doc.setText(s);
    }

    private static String replace(String s, Pattern p, String token, String counter, StageCounters counters) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int n = 0;
        do {
            if (p == IPV6 && !plausibleIpv6(m.group())) {
                continue;
            }
            m.appendReplacement(out, token);
            n++;
        } while (m.find());
        m.appendTail(out);
        counters.add(counter, n);
        return n == 0 ? s : out.toString();
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
